// The largest image the studio decodes. A few-MB PNG can declare 40000x40000 pixels and inflate to
// gigabytes (a decompression bomb), so every photo and mask is measured from its header first and
// refused above the limit before anything is inflated. FACET_MAX_MEGAPIXELS raises (or lowers) it.
import sharp from 'sharp';
import { DomainError } from '../../contract/domain-error';
import { DEFAULT_MAX_PIXELS } from '../../contract/limits';

export const DEFAULT_MAX_MEGAPIXELS = DEFAULT_MAX_PIXELS / 1e6;
export const MAX_MEGAPIXELS_ENV = 'FACET_MAX_MEGAPIXELS';

/** The pixel limit in force: FACET_MAX_MEGAPIXELS (a positive number) or the default. */
export function maxImagePixels(): number {
  const raw = process.env[MAX_MEGAPIXELS_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_MEGAPIXELS * 1e6;
  const mp = Number(raw);
  if (!Number.isFinite(mp) || mp <= 0) {
    throw new DomainError({ code: 'invalid_input', field: MAX_MEGAPIXELS_ENV, message: `${MAX_MEGAPIXELS_ENV}=${raw} is not a positive number of megapixels` });
  }
  return Math.round(mp * 1e6);
}

/** Refuses an image whose header declares more pixels than the limit. */
export function checkPixelLimit(path: string, width: number, height: number, what: 'photo' | 'mask'): void {
  const limit = maxImagePixels();
  if (width * height <= limit) return;
  const mp = (width * height) / 1e6;
  throw new DomainError({
    code: 'bad_file',
    file: path,
    message: `${path}: ${what} is ${width}x${height} (${mp.toFixed(1)} megapixels), above the limit of ${limit / 1e6} megapixels; not decoded (set ${MAX_MEGAPIXELS_ENV} to raise the limit)`,
  });
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** Width and height from the file's header only (no pixel data is inflated); null when unreadable. */
export async function headerSize(bytes: Uint8Array): Promise<{ width: number; height: number } | null> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // PNG: IHDR is always the first chunk, at a fixed offset.
  if (buf.length >= 24 && buf.subarray(0, 8).equals(PNG_SIGNATURE) && buf.toString('latin1', 12, 16) === 'IHDR') {
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  // sharp's metadata reads the header only; its own pixel limit is ours to apply, not its.
  const meta = await sharp(buf, { limitInputPixels: false }).metadata().catch(() => null);
  return meta?.width && meta.height ? { width: meta.width, height: meta.height } : null;
}
