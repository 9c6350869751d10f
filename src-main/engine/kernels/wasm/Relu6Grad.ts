// relu6's gradient as one kernel. tfjs-layers' relu6 activation is minimum(6, relu(x)); on wasm
// its backward ran Greater (a broadcasting compare, ~5 ns/element) + Cast + Multiply + Step +
// Multiply per layer, its forward a broadcasting Minimum: ≈ 480 ms of a 3.5 s DeepLabV3+
// MobileNetV2 step (batch 4, 256 px, 1 thread). Our activation (models/layers/relu6.ts) calls the
// Relu6 kernel instead (XNNPACK clamp), and its gradient here is one SIMD pass, dy·[0 < x < 6]:
// the edges pass nothing, as in PyTorch and in tfjs-layers' own formulation. Elsewhere (other
// backends, threaded wasm heap) the same mask is built from tfjs ops.
import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';

export const RELU6_GRAD = 'FacetRelu6Grad';

const relu6Grad = (({ inputs, backend }: Parameters<KernelFunc>[0]) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const k = simdKernels(backend);
  if (k === null) throw new Error(`${RELU6_GRAD} needs the SIMD kernels`);
  const out = makeOutput(backend, [...x.shape]);
  k.relu6_grad(heapAddress(backend, dy), heapAddress(backend, x), heapAddress(backend, out), tf.util.sizeFromShape(x.shape));
  return out;
}) satisfies KernelFunc;

export const relu6GradConfig: KernelConfig = { kernelName: RELU6_GRAD, backendName: 'wasm', kernelFunc: relu6Grad };

function gradFunc(dy: Tensor | Tensor[], saved: Tensor[]): Record<string, () => Tensor> {
  const [x] = saved as [Tensor];
  const g = dy as Tensor;
  return {
    x: () => {
      if (g.dtype === 'float32' && x.dtype === 'float32' && tf.getBackend() === 'wasm' && simdKernels(tf.backend()) !== null) {
        return tf.engine().runKernel(RELU6_GRAD, { dy: g, x }) as Tensor;
      }
      return tf.mul(g, tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), 'float32'));
    },
  };
}

export const relu6GradientConfig: GradConfig = { kernelName: 'Relu6', inputsToSave: ['x'], gradFunc };

/** Installs the gradient for the Relu6 kernel (all backends; idempotent). */
export function registerRelu6Grad(): void {
  if (tf.getGradient('Relu6')?.gradFunc !== gradFunc) tf.registerGradient(relu6GradientConfig);
}
