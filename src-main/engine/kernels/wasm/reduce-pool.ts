// Mean and Sum over a contiguous block of axes as one average pooling, which XNNPACK runs in a
// single pass. The shipped wasm reductions first transpose the reduced axes innermost with a
// slow copy: mean over [0,1,2] of 8×64×64×144 took 49 ms, the pooling 7 ms. BatchNorm (training)
// and the Dice/Jaccard losses reduce like this in every step.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmScope } from './scope';

/** [pre, P, post] if `axes` is one contiguous block of `shape` (P = its size), else null. */
export function contiguousBlock(shape: number[], axes: number[]): [number, number, number] | null {
  const sorted = [...new Set(axes.map((a) => (a < 0 ? a + shape.length : a)))].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (last - first + 1 !== sorted.length) return null;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return [size(0, first), size(first, last + 1), size(last + 1, shape.length)];
}

export function reducedShape(shape: number[], axes: number[], keepDims: boolean): number[] {
  const set = new Set(axes.map((a) => (a < 0 ? a + shape.length : a)));
  return keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
}

/** Mean over the block via AvgPool; the result has shape [pre, post] (caller reshapes). */
export function poolMean(s: WasmScope, x: TensorInfo, block: [number, number, number]): TensorInfo {
  const [pre, p, post] = block;
  const as4d = s.reshape(x, [pre, p, 1, post]);
  const pooled = s.run('AvgPool', { x: as4d }, { filterSize: [p, 1], strides: [1, 1], pad: 'valid', dimRoundingMode: 'floor' });
  s.free(as4d);
  return pooled;
}
