// Where the model confidently contradicts a mask: the pixels whose mask label differs from the
// model's and where the model's top probability is high. A mask that misses a whole part (a
// photo of someone in glasses whose mask has no eyeglasses: CelebAMask-HQ has such photos) shows
// as a large, confident dispute; ordinary boundary disagreement does not, because the model is
// unsure along boundaries. Mean F1 against the mask does not single such photos out: a missed
// part costs one class's F1 while a blurry mask costs a little of every class's.

import type { MaskDispute } from '../../contract/training';

/** Where the photo lies in the probability map, in map pixels (the photo spans this window). */
export interface MapWindow {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Dispute {
  /** Share of the face (pixels the mask or the model call a face part) confidently disputed. */
  share: number;
  /** Pixels confidently disputed, at the photo's resolution. */
  pixels: number;
  /**
   * The class the dispute is mostly about: the one with the largest disputed share of its own
   * area (mask ∪ model), among classes holding at least a tenth of the disputed pixels.
   */
  classId: number;
}

/** What an evaluation or a proposal keeps of a dispute (the pixel count is the photo's business). */
export function maskDispute(d: Dispute | null): MaskDispute | null {
  return d && { share: d.share, classId: d.classId };
}

/** The probability at or above which the model's label counts as confident. */
export const CONFIDENT = 0.9;

/** 1 where the top probability of a map cell of `probs` ([cells, classes]) is at least `threshold`. */
export function confidenceMask(probs: Float32Array, classes: number, threshold = CONFIDENT): Uint8Array {
  const cells = probs.length / classes;
  const confident = new Uint8Array(cells);
  for (let i = 0; i < cells; i++) {
    let best = 0;
    for (let c = 0; c < classes; c++) best = Math.max(best, probs[i * classes + c]!);
    confident[i] = best >= threshold ? 1 : 0;
  }
  return confident;
}

/**
 * The confident dispute between `truth` and `predicted` (labels at the photo's `width`x`height`),
 * given the model's confidence map `confident` ([size, size], 1 = confident; the photo lies at
 * `window` in it); null when the image has no face pixels at all. Each photo pixel takes the
 * confidence of its nearest map cell.
 */
export function confidentDispute(
  truth: ArrayLike<number>, predicted: ArrayLike<number>, width: number, height: number,
  confident: Uint8Array, size: number, classes: number, window: MapWindow = { x: 0, y: 0, w: size, h: size },
): Dispute | null {
  if (truth.length !== width * height || predicted.length !== width * height) throw new Error(`labels hold ${truth.length} and ${predicted.length} values, not ${width}x${height}`);
  if (confident.length !== size * size) throw new Error(`confidence map holds ${confident.length} cells, not ${size}x${size}`);
  const colOf = new Int32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(size - 1, Math.max(0, Math.floor(window.x + ((x + 0.5) * window.w) / width)));
  const disputed = new Float64Array(classes);
  const union = new Float64Array(classes);
  let face = 0;
  let total = 0;
  for (let y = 0; y < height; y++) {
    const row = Math.min(size - 1, Math.max(0, Math.floor(window.y + ((y + 0.5) * window.h) / height))) * size;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const t = truth[i]!;
      const p = predicted[i]!;
      if (t === 0 && p === 0) continue;
      face++;
      union[t]!++;
      if (t === p) continue;
      union[p]!++;
      if (!confident[row + colOf[x]!]) continue;
      total++;
      disputed[t]!++;
      disputed[p]!++;
    }
  }
  if (face === 0) return null;
  let classId = 0;
  let bestRatio = -1;
  for (let c = 1; c < classes; c++) {
    if (disputed[c]! < 0.1 * total || disputed[c]! === 0) continue;
    const ratio = disputed[c]! / union[c]!;
    if (ratio > bestRatio) {
      bestRatio = ratio;
      classId = c;
    }
  }
  return { share: total / face, pixels: total, classId };
}
