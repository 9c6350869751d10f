// The op over the fused BatchNorm training kernels (wasm/BatchNormTrain.ts): y with its gradient
// for x, γ and β from one backward kernel, plus the batch's mean and variance for the moving
// averages. Those two are side results off the tape (tfjs-layers uses them only to update the
// moving statistics, which no loss depends on); the caller disposes them. With `activation`, y is
// act(BN(x)) and the gradient is through both (the activation's input is never stored).
import { tf } from '../tf';
import { simdKernels } from './simd/module';
import { BN_TRAIN, BN_TRAIN_GRAD, type BnActivation } from './wasm/BatchNormTrain';

export type { BnActivation };

export interface BatchNormTrainResult {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** Whether the fused kernels can run for `x` on the active backend. */
export function canFuseBatchNormTrain(x: tf.Tensor): boolean {
  return x.dtype === 'float32' && x.rank >= 2 && tf.getBackend() === 'wasm' && simdKernels(tf.backend()) !== null;
}

export function batchNormTrain(
  x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, activation: BnActivation = 'linear',
): BatchNormTrainResult {
  const attrs = { varianceEpsilon: epsilon, activation };
  let stats: [tf.Tensor1D, tf.Tensor1D] | null = null;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN, { x: xs, gamma: g, beta: b }, attrs) as tf.Tensor[];
    save([xs, g, b, mean!, variance!]);
    // Out of customGrad's tidy: the caller owns them.
    stats = [tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D)];
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, sb, sm, sv] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BN_TRAIN_GRAD, { dy: dy as tf.Tensor, x: sx, gamma: sg, beta: sb, mean: sm, variance: sv }, attrs) as tf.Tensor[];
      },
    };
  });
  const y = op(x, gamma, beta);
  const [mean, variance] = stats!;
  return { y, mean, variance };
}
