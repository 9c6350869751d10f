// Image bytes from the API to an object URL for <img> and Konva.
// The contract says Uint8Array; a Node Buffer returned by a handler reaches the browser as
// {type:'Buffer', data:[...]} because JSON.stringify applies Buffer#toJSON before the wire's
// replacer sees it. Accept that shape too rather than show broken images.

type BufferJson = { type: 'Buffer'; data: number[] };

function isBufferJson(value: unknown): value is BufferJson {
  return typeof value === 'object' && value !== null && (value as BufferJson).type === 'Buffer' && Array.isArray((value as BufferJson).data);
}

export function toBytes(value: Uint8Array | BufferJson | unknown): Uint8Array<ArrayBuffer> {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (isBufferJson(value)) return Uint8Array.from(value.data);
  throw new Error('expected image bytes from the host');
}

export function blobUrl(bytes: unknown, mime: string): string {
  return URL.createObjectURL(new Blob([toBytes(bytes)], { type: mime }));
}
