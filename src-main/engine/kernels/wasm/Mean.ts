// Mean for the wasm backend: over a contiguous block of axes (not already innermost) it is an
// average pooling (see reduce-pool.ts); otherwise the shipped kernel.
import type { TensorInfo } from '@tensorflow/tfjs';
import { withFallback } from './fallback';
import { contiguousBlock, poolMean, reducedShape } from './reduce-pool';
import { WasmScope } from './scope';

export const meanConfig = withFallback('Mean', ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as { axis: number | number[] | null; keepDims: boolean };
  // `null` reduces every axis.
  const axes = axis === null || axis === undefined ? x.shape.map((_, i) => i) : Array.isArray(axis) ? axis : [axis];
  const block = x.dtype === 'float32' ? contiguousBlock(x.shape, axes) : null;
  if (block === null || block[2] === 1 || block[1] === 1) return null;
  return WasmScope.use(backend, (s) => s.reshape(poolMean(s, x, block), reducedShape(x.shape, axes, keepDims)));
});
