// Jaccard (soft IoU) loss: 1 - (weighted) mean soft Jaccard over classes.
import { tf } from '../tf';
import { classMean, softJaccard } from './functional';

export function jaccardLoss(probs: tf.Tensor, onehot: tf.Tensor, weights: tf.Tensor1D | null = null): tf.Scalar {
  return tf.sub(1, classMean(softJaccard(probs, onehot), weights));
}
