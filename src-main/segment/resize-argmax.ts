// Class probabilities at the model's input size → labels at the photo's own resolution. The
// probabilities are resized bilinearly (half-pixel centres, like tf.image.resizeBilinear with
// halfPixelCenters) and only then reduced by argmax, so boundaries stay smooth at any photo size;
// a nearest blow-up of a label map would give blocky edges. Works one output row at a time: memory
// stays at one label per map pixel whatever the photo size.
//
// Most photo pixels fall between four map pixels that all have the same winning class. A bilinear
// blend is a convex combination of those four, so a class that is at least as probable as every
// other at each of the four stays so in the blend: its label is the corners' label, without
// blending all classes. Only pixels between map pixels of different labels (the boundaries, a few
// percent of a photo) are blended class by class. The labels are those of blending every pixel.
import type { MapRegion, PixelRect } from './region';

export interface ProbabilityMap {
  /** HWC float probabilities, `size`*`size`*`classes`. */
  data: Float32Array;
  size: number;
  classes: number;
}

/** Receives one row of the target rectangle: labels and the winning probability (0..1). */
export type RowSink = (y: number, labels: Uint8Array, confidence: Float32Array) => void;

/** Marks a map cell whose four blend corners do not share one label. */
const MIXED = 255;

function axis(count: number, start: number, scale: number, origin: number, size: number): { i0: Int32Array; i1: Int32Array; t: Float32Array } {
  const i0 = new Int32Array(count);
  const i1 = new Int32Array(count);
  const t = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    // Centre of photo pixel (start + k) in map coordinates.
    const u = (start + k + 0.5 - origin) * scale - 0.5;
    const clamped = Math.min(Math.max(u, 0), size - 1);
    const lo = Math.floor(clamped);
    i0[k] = lo;
    i1[k] = Math.min(lo + 1, size - 1);
    t[k] = clamped - lo;
  }
  return { i0, i1, t };
}

/**
 * For each map pixel (i, j): the label shared by (i, j), (i, j+1), (i+1, j), (i+1, j+1) (clamped
 * at the last row and column, as the blend is), or MIXED.
 */
function cornerLabels(data: Float32Array, size: number, C: number): Uint8Array {
  const label = new Uint8Array(size * size);
  for (let i = 0; i < size * size; i++) {
    const o = i * C;
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < C; c++) {
      const v = data[o + c]!;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    label[i] = best;
  }
  const shared = new Uint8Array(size * size);
  for (let i = 0; i < size; i++) {
    const below = Math.min(i + 1, size - 1) * size;
    const row = i * size;
    for (let j = 0; j < size; j++) {
      const right = Math.min(j + 1, size - 1);
      const l = label[row + j]!;
      shared[row + j] = l === label[row + right] && l === label[below + j] && l === label[below + right] ? l : MIXED;
    }
  }
  return shared;
}

function resizeRows(map: ProbabilityMap, region: MapRegion, rect: PixelRect, sink: RowSink, withConfidence: boolean): void {
  const { data, size, classes: C } = map;
  if (C >= MIXED) throw new RangeError(`resizeArgmax: ${C} classes, at most ${MIXED - 1}`);
  const xs = axis(rect.w, rect.x, size / region.w, region.x, size);
  const ys = axis(rect.h, rect.y, size / region.h, region.y, size);
  const shared = cornerLabels(data, size, C);
  const labels = new Uint8Array(rect.w);
  const confidence = new Float32Array(rect.w);
  const rowStride = size * C;
  for (let r = 0; r < rect.h; r++) {
    const a = ys.i0[r]! * rowStride;
    const b = ys.i1[r]! * rowStride;
    const ty = ys.t[r]!;
    const sharedRow = ys.i0[r]! * size;
    for (let x = 0; x < rect.w; x++) {
      const j = xs.i0[x]!;
      const p = j * C;
      const q = xs.i1[x]! * C;
      const tx = xs.t[x]!;
      const corner = shared[sharedRow + j]!;
      if (corner !== MIXED) {
        labels[x] = corner;
        if (withConfidence) {
          // The same arithmetic as the full blend below, for the one class.
          const bp = data[a + p + corner]! + (data[b + p + corner]! - data[a + p + corner]!) * ty;
          const bq = data[a + q + corner]! + (data[b + q + corner]! - data[a + q + corner]!) * ty;
          confidence[x] = bp + (bq - bp) * tx;
        }
        continue;
      }
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < C; c++) {
        const bp = data[a + p + c]! + (data[b + p + c]! - data[a + p + c]!) * ty;
        const bq = data[a + q + c]! + (data[b + q + c]! - data[a + q + c]!) * ty;
        const v = bp + (bq - bp) * tx;
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      labels[x] = best;
      confidence[x] = bestValue;
    }
    sink(rect.y + r, labels, confidence);
  }
}

/** Resizes `map` (covering `region` of the photo) over the photo pixels of `rect`, row by row. */
export function resizeArgmaxRows(map: ProbabilityMap, region: MapRegion, rect: PixelRect, sink: RowSink): void {
  resizeRows(map, region, rect, sink, true);
}

/** Labels for the whole `width`x`height` photo from one map. */
export function resizeArgmax(map: ProbabilityMap, region: MapRegion, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  resizeRows(map, region, { x: 0, y: 0, w: width, h: height }, (y, labels) => out.set(labels, y * width), false);
  return out;
}
