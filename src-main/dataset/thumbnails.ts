// Gallery thumbnails (sharp), cached in the project's thumbs/ folder, and the photo bytes an
// <img> can show (upright, in a format browsers read).
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DomainError } from '../contract/domain-error';
import { writeFileReplace } from './io/atomic';
import { sharpWithinLimit, type DecodedImage } from './io/image';
import type { ImageRow, ProjectStore } from './store/store';

export const DEFAULT_THUMB_SIZE = 160;
const BROWSER_FORMATS: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export function thumbnailPath(store: ProjectStore, imageId: number, size: number): string {
  // Checked like every project path: a planted thumbs/ symlink must not lead reads or writes out.
  return store.path(`thumbs/${imageId}-${size}.jpg`);
}

async function readStored(store: ProjectStore, row: ImageRow): Promise<Buffer> {
  const path = store.imagePath(row);
  try {
    return await readFile(path);
  } catch (error) {
    throw new DomainError({ code: 'not_found', file: path, message: `${path}: image ${row.name} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})${row.linked ? '; it was linked, not copied: was the source moved?' : ''}` });
  }
}

/** Encodes a thumbnail from already decoded pixels (import has them at hand). */
export async function writeThumbnailFromPixels(path: string, image: Pick<DecodedImage, 'data' | 'width' | 'height'>, size: number): Promise<void> {
  const bytes = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  await writeFileReplace(path, bytes);
}

/** The cached thumbnail (longest side `size`), made on first request. */
export async function thumbnail(store: ProjectStore, row: ImageRow, size: number): Promise<Uint8Array> {
  const path = thumbnailPath(store, row.id, size);
  const cached = await readFile(path).catch(() => null);
  if (cached) return cached;
  const source = await readStored(store, row);
  const photo = store.imagePath(row);
  const bytes = await (await sharpWithinLimit(photo, source))
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer()
    .catch((error: unknown) => {
      if (error instanceof DomainError) throw error;
      throw new DomainError({ code: 'bad_file', file: photo, message: `${photo}: cannot make a thumbnail (${(error as Error).message})` });
    });
  await writeFileReplace(path, bytes);
  return bytes;
}

/** The photo as stored, upright; re-encoded (PNG) only when it still needs its EXIF rotation or browsers cannot show it. */
export async function displayBytes(store: ProjectStore, row: ImageRow): Promise<{ bytes: Uint8Array; mime: string }> {
  const source = await readStored(store, row);
  const mime = BROWSER_FORMATS[row.format];
  if (mime && row.orientation <= 1) return { bytes: source, mime };
  const bytes = await (await sharpWithinLimit(store.imagePath(row), source)).rotate().png().toBuffer();
  return { bytes, mime: 'image/png' };
}
