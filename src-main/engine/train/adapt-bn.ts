// BatchNorm statistics re-estimated on the user's own photos before a fine-tune (AdaBN): the
// moving mean and variance become the average of the batch statistics over the training images,
// one forward pass, no gradient. A new camera (low resolution, grayscale, other lighting) shifts
// what every layer sees; the statistics learnt from thousands of other photos then normalise it
// wrongly, while training with batch statistics of 2-4 images is noise. Re-estimated once on all
// the user's images and then frozen, they are both right for the domain and stable.
import type { BatchLoader } from '../../dataset/loader';
import { tf } from '../tf';
import { batchNormLayers } from './freeze-bn';

interface BatchNormLike {
  momentum: number;
  apply(inputs: tf.Tensor, kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

/**
 * Sets every BatchNorm layer's moving statistics to the mean of its batch statistics over the
 * loader's batches (the k-th batch weighs 1/k, so the first replaces the old statistics); returns
 * the number of batches seen. Must run before the statistics are frozen (a frozen layer ignores
 * training mode).
 */
export async function adaptBatchNormStatistics(model: tf.LayersModel, loader: Pick<BatchLoader, 'batches'>): Promise<number> {
  const layers = batchNormLayers(model.layers) as unknown as BatchNormLike[];
  const momenta = layers.map((l) => l.momentum);
  let k = 0;
  try {
    for await (const batch of loader.batches(0)) {
      k += 1;
      // tfjs-layers updates a moving statistic as m·old + (1 - m)·batch.
      for (const layer of layers) layer.momentum = (k - 1) / k;
      tf.tidy(() => {
        const x = tf.tensor4d(batch.x, [batch.n, batch.size, batch.size, 3]);
        model.apply(x, { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = momenta[i]!));
  }
  return k;
}
