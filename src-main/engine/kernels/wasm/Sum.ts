// Sum for the wasm backend: over a contiguous block of axes (not already innermost) it is an
// average pooling times the block size (see reduce-pool.ts); otherwise the shipped kernel.
import type { TensorInfo } from '@tensorflow/tfjs';
import { withFallback } from './fallback';
import { contiguousBlock, poolMean, reducedShape } from './reduce-pool';
import { WasmScope } from './scope';

export const sumConfig = withFallback('Sum', ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as { axis: number | number[] | null; keepDims: boolean };
  // `null` reduces every axis.
  const axes = axis === null || axis === undefined ? x.shape.map((_, i) => i) : Array.isArray(axis) ? axis : [axis];
  const block = x.dtype === 'float32' ? contiguousBlock(x.shape, axes) : null;
  if (block === null || block[2] === 1 || block[1] === 1) return null;
  return WasmScope.use(backend, (s) => {
    const mean = poolMean(s, x, block);
    const n = s.run('Fill', {}, { shape: [], value: block[1], dtype: 'float32' });
    const sum = s.run('Multiply', { a: mean, b: n });
    return s.reshape(sum, reducedShape(x.shape, axes, keepDims));
  });
});
