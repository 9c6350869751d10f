// Class probabilities at the model's input size → labels at the photo's own resolution. The
// probabilities are resized bilinearly (half-pixel centres, like tf.image.resizeBilinear with
// halfPixelCenters) and only then reduced by argmax, so boundaries stay smooth at any photo size;
// a nearest blow-up of a label map would give blocky edges. Works one output row at a time: memory
// stays at two map rows whatever the photo size.
import type { MapRegion, PixelRect } from './region';

export interface ProbabilityMap {
  /** HWC float probabilities, `size`*`size`*`classes`. */
  data: Float32Array;
  size: number;
  classes: number;
}

/** Receives one row of the target rectangle: labels and the winning probability (0..1). */
export type RowSink = (y: number, labels: Uint8Array, confidence: Float32Array) => void;

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

/** Resizes `map` (covering `region` of the photo) over the photo pixels of `rect`, row by row. */
export function resizeArgmaxRows(map: ProbabilityMap, region: MapRegion, rect: PixelRect, sink: RowSink): void {
  const { data, size, classes: C } = map;
  const xs = axis(rect.w, rect.x, size / region.w, region.x, size);
  const ys = axis(rect.h, rect.y, size / region.h, region.y, size);
  const blended = new Float64Array(size * C);
  const labels = new Uint8Array(rect.w);
  const confidence = new Float32Array(rect.w);
  const rowStride = size * C;
  for (let r = 0; r < rect.h; r++) {
    const a = ys.i0[r]! * rowStride;
    const b = ys.i1[r]! * rowStride;
    const ty = ys.t[r]!;
    for (let k = 0; k < rowStride; k++) blended[k] = data[a + k]! + (data[b + k]! - data[a + k]!) * ty;
    for (let x = 0; x < rect.w; x++) {
      const p = xs.i0[x]! * C;
      const q = xs.i1[x]! * C;
      const tx = xs.t[x]!;
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = blended[p + c]! + (blended[q + c]! - blended[p + c]!) * tx;
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

/** Labels for the whole `width`x`height` photo from one map. */
export function resizeArgmax(map: ProbabilityMap, region: MapRegion, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  resizeArgmaxRows(map, region, { x: 0, y: 0, w: width, h: height }, (y, labels) => out.set(labels, y * width));
  return out;
}
