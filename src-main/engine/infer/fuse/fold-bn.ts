// Batch norm folded into the convolution before it. At inference BN is a per-channel affine map,
// y = (z - mean) * s + beta with s = gamma / sqrt(var + eps), and z = conv(x, W) + b is linear in
// W and b, so y = conv(x, W * s) + ((b - mean) * s + beta): one kernel instead of two passes over
// the feature map. Computed once at compile time; the results are new tensors the caller owns.
import { tf } from '../../tf';
import type { BatchNormSpec, ConvSpec } from './layer-specs';

/** Output channels of a conv: what a BN after it must normalise. */
export function outChannels(conv: ConvSpec): number {
  const [, , inC, last] = conv.kernel.shape;
  return conv.depthwise ? inC * last : last;
}

/** Whether `bn` normalises exactly the conv's output channels. */
export function canFold(conv: ConvSpec, bn: BatchNormSpec): boolean {
  const n = outChannels(conv);
  return [bn.gamma, bn.beta, bn.movingMean, bn.movingVariance].every((t) => t === null || t.shape[0] === n);
}

export interface FoldedWeights {
  filter: tf.Tensor4D;
  /** Null when the conv has no bias and there is no BN to give it one. */
  bias: tf.Tensor1D | null;
}

/** Per-output-channel scale and shift of a BN at inference. */
function affine(bn: BatchNormSpec): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const inv = tf.rsqrt(tf.add(bn.movingVariance, bn.epsilon));
  const scale = (bn.gamma ? tf.mul(inv, bn.gamma) : inv) as tf.Tensor1D;
  const shifted = tf.neg(tf.mul(bn.movingMean, scale));
  const shift = (bn.beta ? tf.add(shifted, bn.beta) : shifted) as tf.Tensor1D;
  return { scale, shift };
}

/**
 * The conv's kernel and bias with `bn` (if any) folded in. Without a BN the weights are cloned,
 * so the compiled graph is a snapshot either way (later training does not half-change it).
 */
export function foldWeights(conv: ConvSpec, bn: BatchNormSpec | null): FoldedWeights {
  const [filter, bias] = tf.tidy((): [tf.Tensor4D, tf.Tensor1D?] => {
    if (!bn) return conv.bias ? [tf.clone(conv.kernel), tf.clone(conv.bias)] : [tf.clone(conv.kernel)];
    const { scale, shift } = affine(bn);
    // Output channel o of a depthwise conv is input channel o / multiplier, slot o % multiplier:
    // the kernel's last two axes, [inC, multiplier], flattened in that order.
    const [, , inC, last] = conv.kernel.shape;
    const perChannel = conv.depthwise ? tf.reshape(scale, [inC, last]) : scale;
    const folded = tf.mul(conv.kernel, perChannel) as tf.Tensor4D;
    return [folded, conv.bias ? (tf.add(tf.mul(conv.bias, scale), shift) as tf.Tensor1D) : shift];
  });
  return { filter, bias: bias ?? null };
}
