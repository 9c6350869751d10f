// Evaluation at the photos' own resolution: the model's probabilities (at its input size, the
// photo stretched to it as the loader does) are resized bilinearly to the photo's size, half-pixel
// centres, as `facet segment` does, and only then reduced by argmax; the labels are scored against
// the mask as stored, full size. This is how held-out judges score, and where thin parts (brows,
// eye outlines) lose what a nearest blow-up of a 256 px label map cannot give back.
import type { BatchLoader } from '../../dataset/loader';
import { fusedGraphOf } from '../infer/graph-cache';
import { predictWithFlip } from '../infer/tta';
import { ConfusionMatrix, confidentDispute, maskDispute, metricsFromConfusion } from '../metrics/index';
import { tf } from '../tf';
import type { PerImageResult } from '../../contract/training';
import { confidentPixels, meanEntropy, type EvaluateOptions, type EvaluationResult } from './evaluate';

/** Labels [height, width] from probabilities [size, size, classes] of a photo stretched to the square. */
export function upsampleArgmax(probs: tf.Tensor3D, width: number, height: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [size] = probs.shape;
    const resized = width === size && height === size ? probs : tf.image.resizeBilinear(probs, [height, width], false, true);
    return tf.argMax(resized, -1) as tf.Tensor2D;
  });
}

export async function evaluateFullResolution(model: tf.LayersModel, loader: BatchLoader, options: Omit<EvaluateOptions, 'loss'>): Promise<EvaluationResult> {
  const k = options.classNames.length;
  const total = new ConfusionMatrix(k);
  const perImage: PerImageResult[] = [];
  let seen = 0;
  let inferenceSeconds = 0;
  for await (const batch of loader.batches(0)) {
    if (options.signal?.aborted) throw new Error('evaluation cancelled');
    const { size, n } = batch;
    // Full-size masks load while the model runs.
    const fulls = Promise.all(batch.items.map((item) => item.load()));
    const started = performance.now();
    const graph = fusedGraphOf(model);
    const x = tf.tensor4d(batch.x, [n, size, size, 3]);
    const probs = predictWithFlip((input) => graph.predict(input), x, options.flip ?? false);
    x.dispose();
    const entropyT = meanEntropy(probs);
    const entropy = (await entropyT.data()) as Float32Array;
    entropyT.dispose();
    const confidentT = confidentPixels(probs);
    const confident = Uint8Array.from((await confidentT.data()) as Int32Array);
    confidentT.dispose();
    inferenceSeconds += (performance.now() - started) / 1000;
    try {
      const samples = await fulls;
      for (let i = 0; i < n; i++) {
        const full = samples[i]!;
        const t0 = performance.now();
        const labelsT = tf.tidy(() => upsampleArgmax(tf.squeeze(tf.slice(probs, [i, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D, full.width, full.height));
        const predicted = (await labelsT.data()) as Int32Array;
        labelsT.dispose();
        inferenceSeconds += (performance.now() - t0) / 1000;
        const one = new ConfusionMatrix(k).add(full.labels, predicted);
        total.merge(one);
        const item = batch.items[i]!;
        // The photo was stretched to the square, so it spans the whole map.
        const dispute = confidentDispute(full.labels, predicted, full.width, full.height, confident.subarray(i * size * size, (i + 1) * size * size), size, k);
        perImage.push({ imageId: item.imageId, name: item.name, f1Face: metricsFromConfusion(one, options.classNames).meanF1Face, meanEntropy: entropy[i]!, dispute: maskDispute(dispute) });
      }
    } finally {
      probs.dispose();
    }
    seen += n;
    options.onProgress?.(seen, loader.items.length);
  }
  return { metrics: metricsFromConfusion(total, options.classNames), loss: null, perImage, images: seen, inferenceSeconds };
}
