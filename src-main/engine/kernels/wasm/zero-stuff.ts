// Geometry of a transposed convolution done as a forward one: dy, zero-stuffed by the stride and
// padded by (effective kernel − 1 − forward padding), correlated with the 180°-rotated filter.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { Conv2DInfo } from './geometry';
import type { WasmScope } from './scope';

/** Inserts `stride − 1` zeros after every row (axis 1) or column (axis 2) of an NHWC tensor. */
function stuffAxis(s: WasmScope, t: TensorInfo, axis: 1 | 2, stride: number): TensorInfo {
  if (stride === 1) return t;
  const [b, h, w, ch] = t.shape as [number, number, number, number];
  const spread = axis === 1 ? s.reshape(t, [b, h, 1, w * ch]) : s.reshape(t, [b * h, w, 1, ch]);
  const padded = s.pad(spread, [[0, 0], [0, 0], [0, stride - 1], [0, 0]]);
  s.free(spread);
  const out = s.reshape(padded, axis === 1 ? [b, h * stride, w, ch] : [b, h, w * stride, ch]);
  s.free(padded);
  return out;
}

/** Zero-stuffs rows by `sh` and columns by `sw`: [B, H, W, C] → [B, H·sh, W·sw, C] (trailing zeros kept). */
export function stuffStrides(s: WasmScope, t: TensorInfo, sh: number, sw: number): TensorInfo {
  const rows = stuffAxis(s, t, 1, sh);
  const both = stuffAxis(s, rows, 2, sw);
  if (both !== rows && rows !== t) s.free(rows);
  return both;
}

/**
 * dy laid out for a `valid`, stride-1 correlation whose output has the forward input's size.
 * The result is owned by the scope; `dy` itself is never freed.
 */
export function stuffedAndPadded(s: WasmScope, dy: TensorInfo, c: Conv2DInfo): TensorInfo {
  const rows = stuffAxis(s, dy, 1, c.strideHeight);
  const stuffed = stuffAxis(s, rows, 2, c.strideWidth);
  if (stuffed !== rows && rows !== dy) s.free(rows);
  const effH = (c.filterHeight - 1) * c.dilationHeight + 1;
  const effW = (c.filterWidth - 1) * c.dilationWidth + 1;
  const top = effH - 1 - c.padInfo.top;
  const left = effW - 1 - c.padInfo.left;
  const bottom = c.inHeight + effH - 1 - top - stuffed.shape[1]!;
  const right = c.inWidth + effW - 1 - left - stuffed.shape[2]!;
  let out = s.pad(stuffed, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  if (stuffed !== dy) s.free(stuffed);
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [b, h, w, ch] = out.shape as [number, number, number, number];
    const cropped = s.slice(out, [0, Math.max(0, -top), Math.max(0, -left), 0], [b, h - Math.max(0, -bottom), w - Math.max(0, -right), ch], [1, 1, 1, 1]);
    s.free(out);
    out = cropped;
  }
  return out;
}
