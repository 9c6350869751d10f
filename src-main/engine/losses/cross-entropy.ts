// Categorical cross-entropy on probabilities; `gamma` > 0 makes it the focal loss
// (Lin et al.: each pixel's term scaled by (1 - p)^gamma).
import type { tf } from '../tf';
import { crossEntropy } from './functional';

export function crossEntropyLoss(probs: tf.Tensor, onehot: tf.Tensor, weights: tf.Tensor1D | null = null, gamma = 0): tf.Scalar {
  return crossEntropy(probs, onehot, weights, gamma);
}
