// Copy-paste of eyeglasses, the rarest class (58 of 1000 CelebAMask-HQ photos): onto a training
// image without glasses, the glasses pixels and their label of a random training image that has
// them. CelebAMask-HQ faces are aligned, so the donor's glasses land on the eyes at the same place;
// a small random shift and scale keep the model from learning one fixed position. Works on the
// samples at the model's input size, before the geometric augmentation, which then moves the
// pasted glasses with the face.
import { uniform, type Rng } from './rng';

export const GLASSES_CLASS = 7;
/** Largest shift of the pasted glasses, as a fraction of the side. */
export const PASTE_SHIFT = 0.03;
/** Largest relative change of the pasted glasses' size. */
export const PASTE_SCALE = 0.05;

export interface PasteSample {
  rgb: Uint8Array;
  labels: Uint8Array;
}

export interface PastePlacement {
  dx: number;
  dy: number;
  scale: number;
}

export function drawPlacement(rng: Rng, size: number): PastePlacement {
  return {
    dx: uniform(rng, -PASTE_SHIFT, PASTE_SHIFT) * size,
    dy: uniform(rng, -PASTE_SHIFT, PASTE_SHIFT) * size,
    scale: uniform(rng, 1 - PASTE_SCALE, 1 + PASTE_SCALE),
  };
}

/**
 * A copy of `target` with the donor's glasses pixels (label 7, nearest sampling about the image
 * centre, moved by `at`) and their label over it. Pixels off the donor's glasses are unchanged.
 */
export function pasteGlasses(target: PasteSample, donor: PasteSample, size: number, at: PastePlacement): PasteSample {
  const rgb = target.rgb.slice();
  const labels = target.labels.slice();
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const sy = Math.round((y - c - at.dy) / at.scale + c);
    if (sy < 0 || sy >= size) continue;
    for (let x = 0; x < size; x++) {
      const sx = Math.round((x - c - at.dx) / at.scale + c);
      if (sx < 0 || sx >= size) continue;
      const s = sy * size + sx;
      if (donor.labels[s] !== GLASSES_CLASS) continue;
      const o = y * size + x;
      labels[o] = GLASSES_CLASS;
      rgb[o * 3] = donor.rgb[s * 3]!;
      rgb[o * 3 + 1] = donor.rgb[s * 3 + 1]!;
      rgb[o * 3 + 2] = donor.rgb[s * 3 + 2]!;
    }
  }
  return { rgb, labels };
}

/**
 * With probability `share`, for a target without glasses: a donor drawn from `donors` (samples
 * holding glasses) pasted on. Returns the target itself when nothing is pasted.
 */
export function maybePasteGlasses<T extends PasteSample>(target: T, targetHasGlasses: boolean, donors: readonly PasteSample[], size: number, share: number, rng: Rng): PasteSample {
  if (share <= 0 || targetHasGlasses || donors.length === 0) return target;
  if (rng() >= share) return target;
  const donor = donors[Math.floor(rng() * donors.length)]!;
  return pasteGlasses(target, donor, size, drawPlacement(rng, size));
}
