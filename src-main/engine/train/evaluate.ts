// Evaluation of a model over a whole split: the loss (mean over batches, weighted by batch size),
// metrics from the confusion matrix accumulated over every pixel, and per image its face-part F1
// and mean predicted entropy (for "worst first" and "most uncertain first" in the GUI).
import type { MetricsReport, PerImageResult } from '../../contract/training';
import type { BatchLoader } from '../../dataset/loader';
import type { SegLoss } from '../losses/index';
import { fusedGraphOf } from '../infer/graph-cache';
import { predictWithFlip } from '../infer/tta';
import { ConfusionMatrix, CONFIDENT, confidentDispute, maskDispute, metricsFromConfusion } from '../metrics/index';
import { tf } from '../tf';

export interface EvaluationResult {
  metrics: MetricsReport;
  loss: number | null;
  perImage: PerImageResult[];
  images: number;
  /** Seconds spent in the model (and, at full resolution, bringing its probabilities to the photo's size). */
  inferenceSeconds: number;
}

export interface EvaluateOptions {
  classNames: readonly string[];
  loss?: SegLoss | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Test-time flip: average with the mirror image's probabilities (a model's scorer only). */
  flip?: boolean | undefined;
}

/** What evaluation needs of one batch: predicted labels, mean predicted entropy per image, mean loss. */
export interface BatchScore {
  predicted: Int32Array;
  entropy: Float32Array;
  /** 1 where the model's top probability is at least CONFIDENT, per pixel (as `predicted`). */
  confident: Uint8Array;
  loss: number;
}

/** Scores a batch of `n` images (NHWC pixels, labels) — in this thread or in engine workers. */
export type BatchScorer = (x: Float32Array, y: Int32Array, n: number, size: number) => Promise<BatchScore>;

/**
 * The scorer of a model in this thread. It predicts through the model's fused graph, which is
 * compiled again once the weights have changed (each epoch during training; tens of ms, against
 * a validation pass it speeds up).
 */
export function modelScorer(model: tf.LayersModel, loss?: SegLoss, flip = false): BatchScorer {
  return async (xData, yData, n, size) => {
    const graph = fusedGraphOf(model);
    const x = tf.tensor4d(xData, [n, size, size, 3]);
    const y = tf.tensor3d(yData, [n, size, size], 'int32');
    const [labelsT, entropyT, lossT, confidentT] = tf.tidy(() => {
      const probs = predictWithFlip((input) => graph.predict(input), x, flip);
      const entropy = meanEntropy(probs);
      const lossValue = loss ? loss(probs, y) : tf.scalar(0);
      return [tf.argMax(probs, -1), entropy, lossValue, confidentPixels(probs)];
    });
    x.dispose();
    y.dispose();
    try {
      return {
        predicted: (await labelsT.data()) as Int32Array,
        entropy: (await entropyT.data()) as Float32Array,
        loss: (await lossT.data())[0]!,
        confident: Uint8Array.from((await confidentT.data()) as Int32Array),
      };
    } finally {
      tf.dispose([labelsT, entropyT, lossT, confidentT]);
    }
  };
}

/** 1 (int32) where the top probability of [n, h, w, classes] is at least CONFIDENT: what disputes count. */
export function confidentPixels(probs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.greaterEqual(tf.max(probs, -1), CONFIDENT), 'int32'));
}

/** Mean predicted entropy per image of probabilities [n, h, w, classes]. */
export function meanEntropy(probs: tf.Tensor): tf.Tensor {
  return tf.mean(tf.neg(tf.sum(tf.mul(probs, tf.log(tf.clipByValue(probs, 1e-7, 1))), -1)), [1, 2]);
}

export async function evaluate(source: tf.LayersModel | BatchScorer, loader: BatchLoader, options: EvaluateOptions): Promise<EvaluationResult> {
  const k = options.classNames.length;
  const score = typeof source === 'function' ? source : modelScorer(source, options.loss, options.flip ?? false);
  let inferenceSeconds = 0;
  const total = new ConfusionMatrix(k);
  const perImage: PerImageResult[] = [];
  let lossSum = 0;
  let seen = 0;
  for await (const batch of loader.batches(0)) {
    if (options.signal?.aborted) throw new Error('evaluation cancelled');
    const { size, n } = batch;
    const started = performance.now();
    const { predicted, entropy, loss, confident } = await score(batch.x, batch.y, n, size);
    inferenceSeconds += (performance.now() - started) / 1000;
    lossSum += loss * n;
    const pixels = size * size;
    for (let i = 0; i < n; i++) {
      const truth = batch.y.subarray(i * pixels, (i + 1) * pixels);
      const pred = predicted.subarray(i * pixels, (i + 1) * pixels);
      const one = new ConfusionMatrix(k).add(truth, pred);
      total.merge(one);
      const item = batch.items[i]!;
      const dispute = confidentDispute(truth, pred, size, size, confident.subarray(i * pixels, (i + 1) * pixels), size, k);
      perImage.push({ imageId: item.imageId, name: item.name, f1Face: metricsFromConfusion(one, options.classNames).meanF1Face, meanEntropy: entropy[i]!, dispute: maskDispute(dispute) });
    }
    seen += n;
    options.onProgress?.(seen, loader.items.length);
  }
  return {
    metrics: metricsFromConfusion(total, options.classNames),
    loss: options.loss && seen > 0 ? lossSum / seen : null,
    perImage,
    images: seen,
    inferenceSeconds,
  };
}
