// Shared maths of the losses (segmentation_models' losses/_functional.py). Inputs: `probs`, the
// softmax output [N, H, W, C]; `onehot`, the truth one-hot [N, H, W, C]. Sums run over the whole
// batch per class, as the peer does, so a class rare in one image still weighs per batch.
import { tf } from '../tf';

export const EPS = 1e-6;
const CLIP = 1e-7;

/** Per-class intersection, prediction sum and truth sum over batch and pixels: three [C] tensors. */
export function classSums(probs: tf.Tensor, onehot: tf.Tensor): { inter: tf.Tensor1D; psum: tf.Tensor1D; tsum: tf.Tensor1D } {
  const axes = [0, 1, 2];
  return {
    inter: tf.sum(tf.mul(probs, onehot), axes) as tf.Tensor1D,
    psum: tf.sum(probs, axes) as tf.Tensor1D,
    tsum: tf.sum(onehot, axes) as tf.Tensor1D,
  };
}

/** Mean over classes, weighted when `weights` is given. */
export function classMean(perClass: tf.Tensor1D, weights: tf.Tensor1D | null): tf.Scalar {
  if (!weights) return tf.mean(perClass);
  return tf.div(tf.sum(tf.mul(perClass, weights)), tf.sum(weights));
}

/** Soft Dice per class: (2 I + eps) / (P + T + eps). */
export function softDice(probs: tf.Tensor, onehot: tf.Tensor): tf.Tensor1D {
  const { inter, psum, tsum } = classSums(probs, onehot);
  return tf.div(tf.add(tf.mul(inter, 2), EPS), tf.add(tf.add(psum, tsum), EPS));
}

/** Soft Jaccard per class: (I + eps) / (P + T - I + eps). */
export function softJaccard(probs: tf.Tensor, onehot: tf.Tensor): tf.Tensor1D {
  const { inter, psum, tsum } = classSums(probs, onehot);
  return tf.div(tf.add(inter, EPS), tf.add(tf.sub(tf.add(psum, tsum), inter), EPS));
}

/** Pixel-wise categorical cross-entropy (focal when gamma > 0), class-weighted, mean over pixels. */
export function crossEntropy(probs: tf.Tensor, onehot: tf.Tensor, weights: tf.Tensor1D | null, gamma: number): tf.Scalar {
  const p = tf.clipByValue(probs, CLIP, 1);
  let perClass = tf.mul(onehot, tf.neg(tf.log(p)));
  if (gamma > 0) perClass = tf.mul(perClass, tf.pow(tf.sub(1, p), gamma));
  if (weights) perClass = tf.mul(perClass, weights);
  return tf.mean(tf.sum(perClass, -1));
}
