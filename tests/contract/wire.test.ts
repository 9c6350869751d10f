import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, encodeWireBytes, WireBytesError } from '../../src-main/contract/wire';

describe('wire codec', () => {
  it('round-trips nested byte arrays exactly', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    const back = decodeWire(encodeWire({ a: [1, { png: bytes }], s: 'x' })) as { a: [number, { png: Uint8Array }]; s: string };
    expect(back.a[1].png).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back.a[1].png).equals(Buffer.from(bytes))).toBe(true);
    expect(back.s).toBe('x');
  });

  it('sends a Node Buffer as bytes, not as its toJSON shape', () => {
    const back = decodeWire(encodeWire({ png: Buffer.from([1, 2, 255]) })) as { png: Uint8Array };
    expect(back.png).toBeInstanceOf(Uint8Array);
    expect([...back.png]).toEqual([1, 2, 255]);
  });

  it('leaves look-alike objects with more keys alone', () => {
    const back = decodeWire(encodeWire({ $bytes: 'AA==', other: 1 }));
    expect(back).toEqual({ $bytes: 'AA==', other: 1 });
  });

  it('never calls Buffer#toJSON (a 64 MB Buffer would become an array of 64 million numbers first)', () => {
    class NoJson extends Uint8Array {
      toJSON(): never {
        throw new Error('toJSON called');
      }
    }
    const back = decodeWire(encodeWire({ mask: { labels: new NoJson([1, 2]) }, list: [new NoJson([3])] })) as { mask: { labels: Uint8Array }; list: Uint8Array[] };
    expect([...back.mask.labels, ...back.list[0]!]).toEqual([1, 2, 3]);
  });

  it('decodes bytes to plain Uint8Arrays that own their buffer', () => {
    const back = decodeWire(encodeWire({ small: new Uint8Array([9, 8]) })) as { small: Uint8Array };
    expect(back.small.constructor).toBe(Uint8Array);
    expect(back.small.buffer.byteLength).toBe(2);
  });

  it('refuses invalid base64, naming the key and keeping the rest of the message for its id', () => {
    for (const bad of ['not*base64!', 'A', 'AB=C', 'AAA', 'AA==AA==', 'AA-_']) {
      let error: unknown;
      try {
        decodeWire(JSON.stringify({ type: 'call', id: 7, input: { labels: { $bytes: bad } } }));
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(WireBytesError);
      expect((error as WireBytesError).field).toBe('labels');
      expect((error as WireBytesError).decoded).toMatchObject({ type: 'call', id: 7 });
    }
  });

  it('encodeWireBytes gives the same text as encodeWire, large byte arrays spliced in wherever they sit', () => {
    const big = (n: number, k: number) => new Uint8Array(n).map((_, i) => (i * k) % 256);
    const value = { a: big(70_000, 3), b: { c: big(100_000, 5), tiny: new Uint8Array([1]) }, d: Buffer.from(big(65_536, 7)), list: [big(80_000, 11), 'é ☃'], s: '$wire-splice-0:' };
    const bytes = encodeWireBytes(value);
    expect(new TextDecoder().decode(bytes)).toBe(encodeWire(value));
    expect(new TextDecoder().decode(encodeWireBytes({ n: 1, s: 'ü' }))).toBe(encodeWire({ n: 1, s: 'ü' }));
  });
});
