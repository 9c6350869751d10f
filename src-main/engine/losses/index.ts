// The training loss of a run: weighted sum of cross-entropy (or focal), Dice and Jaccard losses
// (the original project's Dice + CE + Jaccard with all weights 1). Truth comes as class indices.
import { tf } from '../tf';
import { crossEntropyLoss } from './cross-entropy';
import { diceLoss } from './dice';
import { canFuseLoss, fusedLoss } from './fused';
import { jaccardLoss } from './jaccard';

export interface LossWeights {
  ce: number;
  dice: number;
  jaccard: number;
  focalGamma: number;
  classWeights: number[] | null;
}

export const ORIGINAL_LOSS: LossWeights = { ce: 1, dice: 1, jaccard: 1, focalGamma: 0, classWeights: null };

export type SegLoss = (probs: tf.Tensor, labels: tf.Tensor) => tf.Scalar;

/** `labels`: int32 class indices [N, H, W]; `probs`: softmax output [N, H, W, C]. */
export function makeLoss(w: LossWeights, numClasses: number): SegLoss {
  if (w.classWeights && w.classWeights.length !== numClasses) {
    throw new Error(`loss: ${w.classWeights.length} class weights for ${numClasses} classes`);
  }
  if (w.ce + w.dice + w.jaccard <= 0) throw new Error('loss: all loss weights are 0');
  const classWeights = w.classWeights;
  return (probs, labels) =>
    tf.tidy(() => {
      // One op with an analytic gradient on wasm (fused.ts); the same terms as below.
      if (canFuseLoss(probs, w, numClasses)) return fusedLoss(probs, labels, w);
      const weights = classWeights ? tf.tensor1d(classWeights) : null;
      const onehot = tf.oneHot(tf.cast(labels, 'int32'), numClasses).toFloat();
      let total: tf.Scalar = tf.scalar(0);
      if (w.ce > 0) total = tf.add(total, tf.mul(crossEntropyLoss(probs, onehot, weights, w.focalGamma), w.ce));
      if (w.dice > 0) total = tf.add(total, tf.mul(diceLoss(probs, onehot, weights), w.dice));
      if (w.jaccard > 0) total = tf.add(total, tf.mul(jaccardLoss(probs, onehot, weights), w.jaccard));
      return total;
    });
}

export { crossEntropyLoss, diceLoss, jaccardLoss };
