// Halved copies of the photo (1/2, 1/4, … down to 512 px): zoomed out, the canvas samples a
// small one instead of a 2048² photo, which is both faster and less aliased.

const SMALLEST_LEVEL = 512;

export async function buildPhotoLevels(img: HTMLImageElement): Promise<ImageBitmap[]> {
  const levels: ImageBitmap[] = [];
  let w = img.naturalWidth;
  let h = img.naturalHeight;
  let source: HTMLImageElement | ImageBitmap = img;
  while (w >= SMALLEST_LEVEL && h >= SMALLEST_LEVEL) {
    w = Math.round(w / 2);
    h = Math.round(h / 2);
    source = await createImageBitmap(source, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
    levels.push(source);
  }
  return levels;
}

/** The image to draw at this zoom: the photo itself from 1/2 up, else the level nearest above. */
export function photoAt(photo: HTMLImageElement, levels: readonly ImageBitmap[], scale: number): HTMLImageElement | ImageBitmap {
  const level = Math.min(levels.length, Math.floor(Math.log2(1 / scale)));
  return level > 0 ? levels[level - 1]! : photo;
}
