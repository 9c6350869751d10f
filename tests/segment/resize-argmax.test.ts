// The resize-then-argmax must agree with TensorFlow's own bilinear resize (half-pixel centres)
// followed by argMax, at any target size, for whole photos and for windows that extend past it.
import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf';
import { placementOf, regionOf, wholePhotoPlacement } from '../../src-main/segment/region';
import { resizeArgmax, resizeArgmaxRows } from '../../src-main/segment/resize-argmax';

function randomProbs(size: number, classes: number, seed: number): Float32Array {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out = new Float32Array(size * size * classes);
  for (let i = 0; i < size * size; i++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[i * classes + c] = rand() ** 3;
    for (let c = 0; c < classes; c++) out[i * classes + c]! /= sum;
  }
  return out;
}

async function tfReference(probs: Float32Array, size: number, classes: number, width: number, height: number): Promise<Uint8Array> {
  const labels = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(probs, [size, size, classes]), [height, width], false, true).argMax(-1),
  );
  const data = Uint8Array.from(await labels.data());
  labels.dispose();
  return data;
}

/** Smooth blobs of classes, like a model's output: large regions of one label, soft boundaries. */
function blobProbs(size: number, classes: number, seed: number): Float32Array {
  const centres = Array.from({ length: classes }, (_, c) => [((c * 37 + seed * 11) % size) + 0.5, ((c * 53 + seed * 7) % size) + 0.5] as const);
  const out = new Float32Array(size * size * classes);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let sum = 0;
      const o = (y * size + x) * classes;
      for (let c = 0; c < classes; c++) {
        const [cx, cy] = centres[c]!;
        sum += out[o + c] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (size * 2));
      }
      for (let c = 0; c < classes; c++) out[o + c]! /= sum;
    }
  return out;
}

/** Every pixel blended over every class, then argmax: what the shortcut for shared corners must equal. */
function fullBlend(map: { data: Float32Array; size: number; classes: number }, region: { x: number; y: number; w: number; h: number }, rect: { x: number; y: number; w: number; h: number }): { labels: number[]; confidence: number[] } {
  const { data, size, classes: C } = map;
  const axis = (count: number, start: number, scale: number, origin: number): { i0: number[]; i1: number[]; t: number[] } => {
    const i0: number[] = [];
    const i1: number[] = [];
    const t: number[] = [];
    for (let k = 0; k < count; k++) {
      const u = Math.min(Math.max((start + k + 0.5 - origin) * scale - 0.5, 0), size - 1);
      i0.push(Math.floor(u));
      i1.push(Math.min(Math.floor(u) + 1, size - 1));
      t.push(Math.fround(u - Math.floor(u)));
    }
    return { i0, i1, t };
  };
  const xs = axis(rect.w, rect.x, size / region.w, region.x);
  const ys = axis(rect.h, rect.y, size / region.h, region.y);
  const labels: number[] = [];
  const confidence: number[] = [];
  for (let r = 0; r < rect.h; r++)
    for (let x = 0; x < rect.w; x++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < C; c++) {
        const at = (i: number, j: number): number => data[(i * size + j) * C + c]!;
        const bp = at(ys.i0[r]!, xs.i0[x]!) + (at(ys.i1[r]!, xs.i0[x]!) - at(ys.i0[r]!, xs.i0[x]!)) * ys.t[r]!;
        const bq = at(ys.i0[r]!, xs.i1[x]!) + (at(ys.i1[r]!, xs.i1[x]!) - at(ys.i0[r]!, xs.i1[x]!)) * ys.t[r]!;
        const v = bp + (bq - bp) * xs.t[x]!;
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      labels.push(best);
      confidence.push(Math.fround(bestValue));
    }
  return { labels, confidence };
}

function disagreement(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n / a.length;
}

describe('resizeArgmax', () => {
  it.each([
    [16, 37, 53],
    [16, 16, 16],
    [8, 5, 3],
    [32, 200, 120],
  ])('matches tf.image.resizeBilinear + argMax (map %i → %ix%i)', async (size, width, height) => {
    const classes = 8;
    const probs = randomProbs(size, classes, size * 31 + width);
    // A region that covers exactly the photo: the plain resize.
    const ours = resizeArgmax({ data: probs, size, classes }, { x: 0, y: 0, w: width, h: height }, width, height);
    const ref = await tfReference(probs, size, classes, width, height);
    expect(ours.length).toBe(width * height);
    // Float32 (tf) vs float64 (ours) may split exact ties differently; nothing else may differ.
    expect(disagreement(ours, ref)).toBeLessThan(0.002);
  });

  it('is not a nearest-neighbour blow-up: upsampled boundaries fall between map pixels', () => {
    // Two classes split at the map's middle column: after x4 bilinear the boundary is at the
    // photo's middle, and a soft probability ramp moves it.
    const size = 4;
    const probs = new Float32Array(size * size * 2);
    const left = [0.9, 0.7, 0.4, 0.1];
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        probs[(y * size + x) * 2] = left[x]!;
        probs[(y * size + x) * 2 + 1] = 1 - left[x]!;
      }
    const labels = resizeArgmax({ data: probs, size, classes: 2 }, { x: 0, y: 0, w: 16, h: 16 }, 16, 16);
    const row = Array.from(labels.subarray(0, 16));
    // Class 0 where the interpolated left-probability > 0.5: between map pixels 1 (0.7) and
    // 2 (0.4) at 2/3 of the way → photo x < (1 + 2/3 + 0.5) * 4 - 0.5 = 8.17.
    expect(row).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('maps a padded whole-photo window back onto the photo', async () => {
    const size = 16;
    const classes = 3;
    const width = 40;
    const height = 24;
    const probs = randomProbs(size, classes, 7);
    const { rect, placement } = wholePhotoPlacement(width, height, size);
    expect(placement).toEqual({ x: 0, y: 3, w: 16, h: 10 });
    const region = regionOf(rect, placement, size);
    expect(region.x).toBeCloseTo(0, 9);
    expect(region.y).toBeCloseTo(-7.2, 9);
    expect(region.w).toBeCloseTo(40, 9);
    expect(region.h).toBeCloseTo(38.4, 9);
    // Reference: resize the map to the padded square (40x38.4 → 40x38 is not integral, so
    // compare against the map rows that hold the photo, resized with tf).
    const crop = tf.tidy(() => tf.tensor3d(probs, [size, size, classes]).slice([3, 0, 0], [10, 16, classes]));
    const cropData = (await crop.data()) as Float32Array;
    crop.dispose();
    const labels = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(cropData, [10, 16, classes]), [height, width], false, true).argMax(-1));
    const ref = Uint8Array.from(await labels.data());
    labels.dispose();
    const ours = resizeArgmax({ data: probs, size, classes }, region, width, height);
    // The same up to the clamping at the crop's edge rows (the padded map continues there).
    const inner = (a: Uint8Array): Uint8Array => a.subarray(2 * width, (height - 2) * width);
    expect(disagreement(inner(ours), inner(ref))).toBeLessThan(0.002);
  });

  it('walks only the rows and columns of a sub-rectangle', () => {
    const size = 8;
    const probs = randomProbs(size, 4, 3);
    const full = resizeArgmax({ data: probs, size, classes: 4 }, { x: 0, y: 0, w: 30, h: 20 }, 30, 20);
    const rows: number[] = [];
    resizeArgmaxRows({ data: probs, size, classes: 4 }, { x: 0, y: 0, w: 30, h: 20 }, { x: 5, y: 7, w: 10, h: 4 }, (y, labels, conf) => {
      rows.push(y);
      expect(Array.from(labels)).toEqual(Array.from(full.subarray(y * 30 + 5, y * 30 + 15)));
      for (const c of conf) expect(c).toBeGreaterThan(0.25 - 1e-6);
    });
    expect(rows).toEqual([7, 8, 9, 10]);
  });

  it.each([
    ['smooth blobs', 'blob', 24, { x: 0, y: 0, w: 97, h: 61 }, { x: 0, y: 0, w: 97, h: 61 }],
    ['random noise', 'random', 12, { x: 0, y: 0, w: 50, h: 50 }, { x: 0, y: 0, w: 50, h: 50 }],
    ['a window past the photo', 'blob', 20, { x: -30, y: 5, w: 120, h: 120 }, { x: 3, y: 9, w: 70, h: 80 }],
  ] as const)('gives exactly the labels and confidences of blending every pixel (%s)', (_name, kind, size, region, rect) => {
    const classes = 8;
    const data = kind === 'blob' ? blobProbs(size, classes, 3) : randomProbs(size, classes, 5);
    const map = { data, size, classes };
    const expected = fullBlend(map, region, rect);
    const labels: number[] = [];
    const confidence: number[] = [];
    resizeArgmaxRows(map, region, rect, (_y, rowLabels, rowConfidence) => {
      labels.push(...rowLabels);
      confidence.push(...rowConfidence);
    });
    expect(new Set(labels).size, 'several classes in the rectangle').toBeGreaterThan(2);
    expect(labels).toEqual(expected.labels);
    expect(confidence).toEqual(expected.confidence);
    if (rect.x === 0 && rect.y === 0) expect(Array.from(resizeArgmax(map, region, rect.w, rect.h))).toEqual(expected.labels);
  });

  it('places a face window that extends past the photo', () => {
    const rect = { x: 0, y: 10, w: 50, h: 60 };
    const window = { left: -30, top: 10, side: 80 };
    const placement = placementOf(rect, window, 16);
    expect(placement).toEqual({ x: 6, y: 0, w: 10, h: 12 });
    const region = regionOf(rect, placement, 16);
    expect(region.x).toBeCloseTo(-30, 6);
    expect(region.w).toBeCloseTo(80, 6);
  });
});
