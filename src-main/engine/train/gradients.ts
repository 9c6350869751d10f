// The gradient of a batch, computed in micro-batches so that the activations of one
// micro-batch at a time fit the engine's memory (a wasm heap holds at most 4 GB; DeepLabV3+
// MobileNetV2 at 256 px needs ~0.8 GB per image in training). The micro-batch gradients are
// averaged weighted by size, so for a loss that is a mean over pixels the result is the batch
// gradient; for Dice/Jaccard (ratios of sums over the batch) and for BatchNorm (batch statistics)
// it is the mean over micro-batches — the same approximation data-parallel training makes.
import type { SegLoss } from '../losses/index';
import { tf } from '../tf';
import { gpuLostError } from '../backend/gpu-health';
import { assertEngineHealthy } from '../backend/wasm-failures';

export interface BatchGradients {
  /** Mean loss over the batch (micro-batch losses weighted by size). */
  loss: number;
  /** Arg-max labels of the training-mode forward pass, [n, size, size] (null: `confusion` instead). */
  predicted: Int32Array | null;
  /** With `confusionClasses`: the batch's confusion counts, truth-major [C·C], counted on the device. */
  confusion: Float64Array | null;
  /** One averaged gradient per variable, in `variables` order (the caller disposes them). */
  gradients: tf.Tensor[];
}

/** Sizes of the micro-batches of a batch of `n`: as equal as possible, none above `limit`. */
export function microBatches(n: number, limit: number): number[] {
  const parts = Math.ceil(n / Math.max(1, limit));
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/** Confusion counts [C·C] (float32, truth-major) of int32 truth and predicted labels. */
function confusionCounts(truth: tf.Tensor, pred: tf.Tensor, classes: number): tf.Tensor {
  const index = tf.add(tf.mul(tf.reshape(truth, [-1]), tf.scalar(classes, 'int32')), tf.reshape(pred, [-1]));
  return tf.bincount(index as tf.Tensor1D, tf.tensor1d([], 'float32'), classes * classes);
}

export async function batchGradients(
  model: tf.LayersModel,
  loss: SegLoss,
  variables: tf.Variable[],
  x: Float32Array,
  y: Int32Array,
  n: number,
  size: number,
  microBatch: number,
  /**
   * Count the confusion matrix on the device and read it with the loss, in one readback per
   * micro-batch, instead of downloading every predicted label (what a GPU step should do).
   */
  confusionClasses: number | null = null,
): Promise<BatchGradients> {
  const pixels = size * size;
  const C = confusionClasses;
  const predicted = C === null ? new Int32Array(n * pixels) : null;
  const confusion = C === null ? null : new Float64Array(C * C);
  let sums: tf.Tensor[] | null = null;
  let lossSum = 0;
  let start = 0;
  try {
    for (const count of microBatches(n, microBatch)) {
      const xs = tf.tensor4d(x.subarray(start * pixels * 3, (start + count) * pixels * 3), [count, size, size, 3]);
      const ys = tf.tensor3d(y.subarray(start * pixels, (start + count) * pixels), [count, size, size], 'int32');
      let labels: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const probs = model.apply(xs, { training: true }) as tf.Tensor;
        // Off the loss path, so the tape never differentiates it.
        labels = tf.keep(C === null ? tf.argMax(probs, -1) : confusionCounts(ys, tf.argMax(probs, -1), C));
        return loss(probs, ys);
      }, variables);
      tf.dispose([xs, ys]);
      const weight = count / n;
      const scaled = variables.map((v) => grads[v.name]!);
      if (sums === null) {
        sums = weight === 1 ? scaled : scaled.map((g) => tf.mul(g, weight));
        if (weight !== 1) tf.dispose(scaled);
      } else {
        const next: tf.Tensor[] = sums.map((s, i) => tf.tidy(() => tf.add(s, tf.mul(scaled[i]!, weight))));
        tf.dispose([...sums, ...scaled]);
        sums = next;
      }
      const labelsT = labels as unknown as tf.Tensor;
      if (C === null) {
        lossSum += (await value.data())[0]! * weight;
        predicted!.set((await labelsT.data()) as Int32Array, start * pixels);
      } else {
        const both = tf.tidy(() => tf.concat([tf.reshape(value, [1]), labelsT]));
        const read = await both.data();
        both.dispose();
        lossSum += read[0]! * weight;
        for (let i = 0; i < C * C; i++) confusion![i]! += read[i + 1]!;
      }
      tf.dispose([value, labelsT]);
      assertEngineHealthy('training step');
      start += count;
    }
    const gradients = sums!;
    sums = null;
    return { loss: lossSum, predicted, confusion, gradients };
  } catch (error) {
    // A lost GPU device surfaces as whatever call failed first: say what happened instead.
    throw gpuLostError('training step') ?? error;
  } finally {
    if (sums) tf.dispose(sums);
  }
}
