// JSON encoding for the WebSocket transport. Electron's IPC clones Uint8Array natively; JSON does
// not, so byte arrays (PNG masks, thumbnails) travel as {"$bytes": base64} and come back typed.
// In Node the base64 work is Buffer's native codec: a 64-megapixel mask through btoa/atob took
// 5 s / 2 s of the event loop, through Buffer about a tenth of that. Browsers use btoa/atob.

const BYTES_TAG = '$bytes';

/** The part of Node's Buffer used here; absent in the browser. */
interface NodeBuffer {
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
  from(text: string, encoding: 'base64'): Uint8Array;
}
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

// What encodeWire writes: the standard alphabet, padded to a multiple of 4 characters. (A plain
// character-class loop: a grouped repetition overflows the regexp stack on 80 MB strings.)
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The bytes, or null when `text` is not valid padded base64. */
function fromBase64(text: string): Uint8Array | null {
  if (!isBase64(text)) return null;
  if (nodeBuffer) {
    const buf = nodeBuffer.from(text, 'base64');
    // Small Buffers are slices of a shared pool: copy those, so `.buffer` is the bytes alone.
    const whole = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength;
    return whole ? new Uint8Array(buf.buffer, 0, buf.byteLength) : new Uint8Array(buf);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * A message that is JSON but carries a `$bytes` value that is not base64. `message` is what was
 * decoded (the bad value as null), so a transport can still answer the call by its own id.
 */
export class WireBytesError extends Error {
  constructor(
    /** The key holding the bad value (`labels`). */
    readonly field: string,
    readonly decoded: unknown,
  ) {
    super(`${field}: not valid base64 in {"$bytes": …}`);
    this.name = 'WireBytesError';
  }
}

const tagged = (bytes: Uint8Array): { [BYTES_TAG]: string } => ({ [BYTES_TAG]: toBase64(bytes) });

/**
 * An object or array with its byte-array members already tagged. Done one level up, because
 * JSON.stringify calls Buffer#toJSON before the replacer sees a member: on a 64 MB Buffer that
 * builds an array of 64 million numbers first.
 */
function withTaggedMembers(v: object, tag: (bytes: Uint8Array) => object = tagged): object {
  if (Array.isArray(v)) return v.some((x) => x instanceof Uint8Array) ? v.map((x: unknown) => (x instanceof Uint8Array ? tag(x) : x)) : v;
  const record = v as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(record)) {
    const member = record[key];
    if (member instanceof Uint8Array) (copy ??= { ...record })[key] = tag(member);
  }
  return copy ?? v;
}

export function encodeWire(value: unknown): string {
  const root = value instanceof Uint8Array ? tagged(value) : value;
  return JSON.stringify(root, (_key: string, v: unknown) => (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) ? withTaggedMembers(v) : v));
}

/** Byte arrays from this size up are spliced into encodeWireBytes' output, not built as JSON. */
const SPLICE_FROM = 64 * 1024;

/**
 * The message as UTF-8 bytes, the same text as encodeWire. Large byte arrays are base64-encoded
 * into chunks of their own and spliced in, so a 64 MB mask never becomes an 85 MB JSON string
 * that is then re-encoded as UTF-8 for the socket (together about half a second of the event
 * loop). In the browser (no Buffer) it is encodeWire's text, encoded.
 */
export function encodeWireBytes(value: unknown): Uint8Array {
  if (!nodeBuffer) return new TextEncoder().encode(encodeWire(value));
  const spliced: Uint8Array[] = [];
  // A fresh marker per message: a string in the message cannot guess it.
  const marker = `$wire-splice-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}:`;
  const tag = (bytes: Uint8Array): { [BYTES_TAG]: string } => {
    if (bytes.byteLength < SPLICE_FROM) return tagged(bytes);
    spliced.push(bytes);
    return { [BYTES_TAG]: `${marker}${spliced.length - 1}` };
  };
  const text = JSON.stringify(value instanceof Uint8Array ? tag(value) : value, (_key: string, v: unknown) =>
    typeof v === 'object' && v !== null && !(v instanceof Uint8Array) ? withTaggedMembers(v, tag) : v,
  );
  const encoder = new TextEncoder();
  if (spliced.length === 0) return encoder.encode(text);
  const parts: Uint8Array[] = [];
  let from = 0;
  // Placeholders appear in text order, which need not be the order they were made in.
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, from)) {
    let end = at + marker.length;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    parts.push(encoder.encode(text.slice(from, at)), latin1(toBase64(spliced[Number(text.slice(at + marker.length, end))]!)));
    from = end;
  }
  parts.push(encoder.encode(text.slice(from)));
  return concat(parts);
}

/** A base64 string's bytes (one byte per character: a copy, no UTF-8 encoding). */
function latin1(ascii: string): Uint8Array {
  const buf = (nodeBuffer as unknown as { from(text: string, encoding: 'latin1'): Uint8Array }).from(ascii, 'latin1');
  return buf;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Parses a message; throws SyntaxError for bad JSON and WireBytesError for bad base64. */
export function decodeWire(text: string): unknown {
  let badField: string | null = null;
  const decoded: unknown = JSON.parse(text, (key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const tagged = v as Record<string, unknown>;
      const keys = Object.keys(tagged);
      if (keys.length === 1 && keys[0] === BYTES_TAG && typeof tagged[BYTES_TAG] === 'string') {
        const bytes = fromBase64(tagged[BYTES_TAG]);
        if (bytes === null) badField ??= key === '' ? '(input)' : key;
        return bytes;
      }
    }
    return v;
  });
  if (badField !== null) throw new WireBytesError(badField, decoded);
  return decoded;
}

/** Messages of the WebSocket protocol. */
export type ClientMessage = { type: 'call'; id: number; method: string; input: unknown };
export type ServerMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: { code: string; message: string; field?: string; file?: string } }
  | { type: 'event'; event: string; payload: unknown };
