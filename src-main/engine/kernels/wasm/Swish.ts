// swish (x·σ(x), EfficientNet's activation) as one kernel each way. tfjs-layers' swish is
// mul(sigmoid(mul(x, 1)), x): on wasm that is Multiply + Sigmoid + Multiply forward, and its
// autodiff runs five Multiplies, a Sub and an Add backward, ≈ 10 full passes and as many
// temporaries per activation (33 of them in DeepLabV3+ EfficientNet-B0). Here the forward is one
// SIMD pass (FacetSwish) that saves only x, and the gradient one more (FacetSwishGrad), which
// recomputes σ from x (c/swish.c): DeepLabV3+ EfficientNet-B0, batch 4, 256 px, 1 thread, went
// from 1815 to 1607 ms CPU a step (Multiply 263 → 62 ms, Sigmoid 58 → ~0, Cast 57 → 16; the two
// kernels take ~70 ms each, ≈ 2 ns/element, compute-bound on the exp). Elsewhere (other backends, a threaded wasm heap, the fast
// paths off) `swish` is built from tfjs ops and differentiated by autodiff.
import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';

export const SWISH = 'FacetSwish';
export const SWISH_GRAD = 'FacetSwishGrad';

function kernelsFor(backend: unknown, name: string): NonNullable<ReturnType<typeof simdKernels>> {
  const k = simdKernels(backend);
  if (k === null) throw new Error(`${name} needs the SIMD kernels`);
  return k;
}

const swishForward = (({ inputs, backend }: Parameters<KernelFunc>[0]) => {
  const { x } = inputs as { x: TensorInfo };
  const out = makeOutput(backend, [...x.shape]);
  kernelsFor(backend, SWISH).swish_forward(heapAddress(backend, x), heapAddress(backend, out), tf.util.sizeFromShape(x.shape));
  return out;
}) satisfies KernelFunc;

const swishGrad = (({ inputs, backend }: Parameters<KernelFunc>[0]) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const out = makeOutput(backend, [...x.shape]);
  kernelsFor(backend, SWISH_GRAD).swish_grad(heapAddress(backend, dy), heapAddress(backend, x), heapAddress(backend, out), tf.util.sizeFromShape(x.shape));
  return out;
}) satisfies KernelFunc;

export const swishConfig: KernelConfig = { kernelName: SWISH, backendName: 'wasm', kernelFunc: swishForward };
export const swishGradConfig: KernelConfig = { kernelName: SWISH_GRAD, backendName: 'wasm', kernelFunc: swishGrad };

function simdHere(...ts: Tensor[]): boolean {
  return ts.every((t) => t.dtype === 'float32') && tf.getBackend() === 'wasm' && simdKernels(tf.backend()) !== null;
}

function gradFunc(dy: Tensor | Tensor[], saved: Tensor[]): Record<string, () => Tensor> {
  const [x] = saved as [Tensor];
  const g = dy as Tensor;
  return {
    x: () => {
      if (simdHere(g, x)) return tf.engine().runKernel(SWISH_GRAD, { dy: g, x }) as Tensor;
      // The kernel ran but its gradient cannot here (the fast paths were switched off in between):
      // dy·σ·(1 + x·(1 − σ)) from tfjs ops.
      return tf.tidy(() => {
        const s = tf.sigmoid(x);
        return tf.mul(tf.mul(g, s), tf.add(1, tf.mul(x, tf.sub(1, s))));
      });
    },
  };
}

export const swishGradientConfig: GradConfig = { kernelName: SWISH, inputsToSave: ['x'], gradFunc };

/** Installs the gradient of FacetSwish (idempotent). */
export function registerSwishGrad(): void {
  if (tf.getGradient(SWISH)?.gradFunc !== gradFunc) tf.registerGradient(swishGradientConfig);
}

/** x·σ(x): the one-pass kernel where it can run, else tfjs ops (same values up to float rounding). */
export function swish(x: Tensor): Tensor {
  if (simdHere(x)) return tf.engine().runKernel(SWISH, { x }) as Tensor;
  return tf.tidy(() => tf.mul(tf.sigmoid(x), x));
}
