// JSON encoding for the WebSocket transport. Electron's IPC clones Uint8Array natively; JSON does
// not, so byte arrays (PNG masks, thumbnails) travel as {"$bytes": base64} and come back typed.

const BYTES_TAG = '$bytes';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  // Read the raw property (`this[key]`), not the replacer's value: JSON.stringify has already
  // applied Buffer#toJSON to the latter, and a Node Buffer is a Uint8Array we must send as bytes.
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { [BYTES_TAG]: toBase64(raw) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const tagged = v as Record<string, unknown>;
      const keys = Object.keys(tagged);
      if (keys.length === 1 && keys[0] === BYTES_TAG && typeof tagged[BYTES_TAG] === 'string') {
        return fromBase64(tagged[BYTES_TAG]);
      }
    }
    return v;
  });
}

/** Messages of the WebSocket protocol. */
export type ClientMessage = { type: 'call'; id: number; method: string; input: unknown };
export type ServerMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: { code: string; message: string; field?: string; file?: string } }
  | { type: 'event'; event: string; payload: unknown };
