// A colour overlay: the photo with each face part tinted in its class colour, for a quick look.
import sharp from 'sharp';
import { CLASS_COLORS } from '../contract/classes';
import { writeFileAtomic } from '../dataset/io/atomic';
import type { Photo } from './decode';

const ALPHA = 0.5;

export async function writeOverlayJpeg(path: string, photo: Photo, labels: Uint8Array): Promise<void> {
  const out = new Uint8Array(photo.data.length);
  for (let i = 0, p = 0; i < labels.length; i++, p += 3) {
    const c = labels[i]!;
    if (c === 0) {
      out[p] = photo.data[p]!;
      out[p + 1] = photo.data[p + 1]!;
      out[p + 2] = photo.data[p + 2]!;
      continue;
    }
    const color = CLASS_COLORS[c] ?? CLASS_COLORS[0]!;
    out[p] = photo.data[p]! * (1 - ALPHA) + color[0] * ALPHA;
    out[p + 1] = photo.data[p + 1]! * (1 - ALPHA) + color[1] * ALPHA;
    out[p + 2] = photo.data[p + 2]! * (1 - ALPHA) + color[2] * ALPHA;
  }
  const jpeg = await sharp(out, { raw: { width: photo.width, height: photo.height, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
  await writeFileAtomic(path, jpeg);
}
