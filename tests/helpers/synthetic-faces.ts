// Synthetic faces (drawn, never photos of people) for browser tests and screenshots: varied skin,
// hair, backdrop, glasses and pose, each with its exact 8-class mask.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_STYLE, drawFace, writeFace, type FaceStyle } from '../../scripts/bench/synthetic-face';

const SKINS: [number, number, number][] = [[228, 184, 152], [198, 140, 105], [140, 95, 70], [240, 200, 175], [170, 120, 90]];
const HAIRS: [number, number, number][] = [[70, 44, 30], [30, 25, 25], [150, 100, 50], [200, 170, 110], [110, 60, 40]];
const BACKS: [number, number, number][] = [[120, 150, 190], [170, 190, 150], [200, 170, 160], [150, 150, 170], [180, 200, 210]];

export function faceStyle(k: number): FaceStyle {
  return {
    ...DEFAULT_STYLE,
    skin: SKINS[k % 5]!,
    hair: HAIRS[(k * 3) % 5]!,
    backdrop: BACKS[(k * 2) % 5]!,
    glasses: k % 4 === 1,
    dx: ((k % 3) - 1) * 0.03,
    dy: (((k * 7) % 5) - 2) * 0.015,
    scale: 0.9 + (k % 4) * 0.05,
  };
}

/**
 * Writes `count` faces as `<prefix>-NN.jpg` into `dir/images` and their masks into `dir/masks`
 * (the labels8 layout); returns the photo names.
 */
export async function writeSyntheticFaces(dir: string, count: number, o: { size?: number; prefix?: string; first?: number } = {}): Promise<string[]> {
  const size = o.size ?? 256;
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'masks'), { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = (o.first ?? 0) + i;
    const name = `${o.prefix ?? 'face'}-${String(k + 1).padStart(2, '0')}`;
    await writeFace(drawFace(size, size, faceStyle(k)), join(dir, 'images', `${name}.jpg`), join(dir, 'masks', `${name}.png`));
    names.push(`${name}.jpg`);
  }
  return names;
}
