// Masks as indexed PNGs whose palette is the class palette: pixel value = class index, and any
// image viewer shows the colours. Encoding and the atomic write are the dataset store's own.
import { CLASS_COLORS } from '../contract/classes';
import { writeFileAtomic } from '../dataset/io/atomic';
import { encodePng8, type Rgb } from '../dataset/io/png8';

const PALETTE: Rgb[] = CLASS_COLORS.map((c) => [c[0], c[1], c[2]] as const);

export async function writeMaskPng(path: string, labels: Uint8Array, width: number, height: number): Promise<void> {
  await writeFileAtomic(path, encodePng8(labels, width, height, PALETTE));
}
