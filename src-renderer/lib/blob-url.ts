// Image bytes from the API to an object URL for <img> and Konva.

/** A copy backed by a plain ArrayBuffer, as Blob and ImageData want it. */
export function toBytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(value);
}

export function blobUrl(bytes: Uint8Array, mime: string): string {
  return URL.createObjectURL(new Blob([toBytes(bytes)], { type: mime }));
}
