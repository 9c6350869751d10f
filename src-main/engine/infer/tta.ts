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

/** Each image of `x` (NHWC floats, n images of size x size x channels) mirrored left-right. */
function mirrored(x: Float32Array, n: number, size: number, channels: number): Float32Array {
  const out = new Float32Array(x.length);
  const row = size * channels;
  for (let r = 0; r < n * size; r++) {
    const base = r * row;
    for (let c = 0; c < size; c++) out.set(x.subarray(base + c * channels, base + (c + 1) * channels), base + (size - 1 - c) * channels);
  }
  return out;
}

/** The batch followed by its mirror images: the input of one flip-averaged call on raw floats. */
export function withMirrors(x: Float32Array, n: number, size: number): Float32Array {
  const both = new Float32Array(2 * x.length);
  both.set(x);
  both.set(mirrored(x, n, size, 3), x.length);
  return both;
}

/** The first n probability maps averaged with the mirrored-back last n (the output of `withMirrors`' call). */
export function averageWithMirrors(y: Float32Array, n: number, size: number, classes: number): Float32Array {
  const half = y.length / 2;
  const back = mirrored(y.subarray(half), n, size, classes);
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) out[i] = (y[i]! + back[i]!) / 2;
  return out;
}
