// Photos for segmentation: decoded by the dataset store's reader (any size, EXIF orientation
// applied, truncated files refused), and the model inputs cut out of them with sharp.
import sharp from 'sharp';
import { decodeImage } from '../dataset/io/image';
import type { PixelRect } from './region';

export interface Photo {
  /** RGB bytes, row-major, width*height*3. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** The oriented photo as RGB; a bad file throws a DomainError (`bad_file`) naming it. */
export async function decodePhoto(file: string): Promise<Photo> {
  const { data, width, height } = await decodeImage(file);
  return { data, width, height };
}

/**
 * The model input for `rect` of the photo: resized to `placement` inside a `size`x`size` square,
 * the rest filled by repeating the edge pixels (no black bars the model never saw in training).
 */
export async function cutInput(photo: Photo, rect: PixelRect, placement: PixelRect, size: number): Promise<Uint8Array> {
  const { data } = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h })
    .resize(placement.w, placement.h, { fit: 'fill' })
    .extend({
      left: placement.x,
      top: placement.y,
      right: size - placement.x - placement.w,
      bottom: size - placement.y - placement.h,
      extendWith: 'copy',
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (data.byteLength !== size * size * 3) throw new Error(`model input is ${data.byteLength} bytes, expected ${size * size * 3}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
