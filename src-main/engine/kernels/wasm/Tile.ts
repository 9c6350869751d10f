// Tile for the wasm backend: the shipped kernel is an element-by-element C loop (879 ms to tile
// [1,1,1,144] to 8×64×64×144; BatchNorm's gradient tiles like this for every layer). Tiling is
// a broadcast: x reshaped to [1, d0, 1, d1, …] plus zeros shaped [r0, 1, r1, 1, …] gives
// [r0, d0, r1, d1, …], which is tile's memory layout. XNNPACK's broadcasting add does it in one
// pass once axes of the same kind are merged (≤ 6 dims); other cases use the shipped kernel.
import type { TensorInfo } from '@tensorflow/tfjs';
import { withFallback } from './fallback';
import { WasmScope } from './scope';

/** Interleaved (zeros, x) extents with unit pairs dropped and same-kind neighbours merged. */
export function broadcastPlan(shape: number[], reps: number[]): { zeros: number[]; x: number[] } | null {
  const zeros: number[] = [];
  const xs: number[] = [];
  const push = (z: number, x: number) => {
    if (z === 1 && x === 1) return;
    const last = zeros.length - 1;
    // Each pushed pair is either a repeat (x extent 1) or a data axis (zeros extent 1).
    if (last >= 0 && (z === 1) === (zeros[last] === 1)) {
      zeros[last]! *= z;
      xs[last]! *= x;
      return;
    }
    zeros.push(z);
    xs.push(x);
  };
  for (let i = 0; i < shape.length; i++) {
    push(reps[i]!, 1);
    push(1, shape[i]!);
  }
  if (zeros.length === 0) {
    zeros.push(1);
    xs.push(1);
  }
  return zeros.length <= 6 ? { zeros, x: xs } : null;
}

export const tileConfig = withFallback('Tile', ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const reps = (attrs as { reps: number[] }).reps;
  if (x.dtype !== 'float32' || reps.length !== x.shape.length) return null;
  const plan = broadcastPlan(x.shape, reps);
  if (plan === null) return null;
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  return WasmScope.use(backend, (s) => {
    const xs = s.reshape(x, plan.x);
    const zeros = s.run('Fill', {}, { shape: plan.zeros, value: 0, dtype: 'float32' });
    const sum = s.run('Add', { a: xs, b: zeros });
    return s.reshape(sum, outShape);
  });
});
