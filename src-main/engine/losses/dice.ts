// Dice loss: 1 - (weighted) mean soft Dice over classes.
import { tf } from '../tf';
import { classMean, softDice } from './functional';

export function diceLoss(probs: tf.Tensor, onehot: tf.Tensor, weights: tf.Tensor1D | null = null): tf.Scalar {
  return tf.sub(1, classMean(softDice(probs, onehot), weights));
}
