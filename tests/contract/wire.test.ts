import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../src-main/contract/wire';

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
});
