// A mask as a small colour overlay for a gallery thumbnail (class colours, background
// transparent) and the share of the image each class covers, both from the current revision.
import sharp from 'sharp';
import { CLASS_COLORS, NUM_CLASSES } from '../contract/classes';
import type { MaskOverlay } from '../contract/gallery';
import { readMask } from './store/revisions';
import type { ProjectStore } from './store/store';

/** Fraction of pixels per class (all zero but background for an empty mask). */
export function classShares(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts.map((n) => (labels.length ? n / labels.length : 0));
}

/** RGBA pixels of `labels`: each class in its colour, background fully transparent. */
export function overlayPixels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length * 4);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c === 0) continue;
    const rgb = CLASS_COLORS[c]!;
    out[i * 4] = rgb[0];
    out[i * 4 + 1] = rgb[1];
    out[i * 4 + 2] = rgb[2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

export async function maskOverlay(store: ProjectStore, imageId: number, size: number): Promise<MaskOverlay> {
  const mask = await readMask(store, imageId);
  const shares = classShares(mask.labels);
  // Nearest neighbour on the labels first, so a thumbnail never shows a blend of two classes.
  const small = await sharp(Buffer.from(mask.labels.buffer, mask.labels.byteOffset, mask.labels.byteLength), { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .resize(size, size, { fit: 'inside', withoutEnlargement: true, kernel: 'nearest' })
    // sharp writes sRGB (3 channels) unless told otherwise: keep the one channel of labels.
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (small.info.channels !== 1 || small.data.length !== small.info.width * small.info.height) {
    throw new Error(`mask overlay: expected ${small.info.width}x${small.info.height} labels, got ${small.data.length} bytes in ${small.info.channels} channels`);
  }
  const rgba = overlayPixels(new Uint8Array(small.data.buffer, small.data.byteOffset, small.data.byteLength));
  const bytes = await sharp(rgba, { raw: { width: small.info.width, height: small.info.height, channels: 4 } }).png({ compressionLevel: 6 }).toBuffer();
  return { bytes, mime: 'image/png', revision: mask.revision, shares };
}
