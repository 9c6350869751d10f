// Test-time augmentation: the horizontal flip. The model sees the photo and its mirror image in
// one batch; the mirror's probabilities are mirrored back and the two averaged. Our classes have
// no left/right (one "eyes", one "ears"), so no label is swapped. A model folder may ask for it by
// default (facet-model.json `tta: "flip"`); callers can turn it on or off.
import { tf } from '../tf';

export const TTA_MODES = ['none', 'flip'] as const;
export type TtaMode = (typeof TTA_MODES)[number];

/** Whether to flip-average: the caller's choice when given, else the model's default (off). */
export function useFlip(choice: boolean | undefined, modelDefault: TtaMode | undefined): boolean {
  return choice ?? modelDefault === 'flip';
}

/**
 * Probabilities [n, h, w, classes] of `x` [n, h, w, 3] through `predict`; with `flip`, the mean of
 * the photo's and the mirrored-back mirror's (one call on a batch of 2n). Owns no input; the
 * result is the caller's to dispose.
 */
export function predictWithFlip(predict: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, flip: boolean): tf.Tensor {
  if (!flip) return predict(x);
  return tf.tidy(() => {
    const n = x.shape[0];
    const both = predict(tf.concat([x, tf.reverse(x, 2)], 0));
    const [plain, mirrored] = tf.split(both, [n, n], 0);
    return tf.div(tf.add(plain!, tf.reverse(mirrored!, 2)), 2);
  });
}
