// One training step: forward in training mode (BatchNorm uses batch statistics and updates its
// moving averages), the run's loss, backward, optimizer update. Also returns the batch's
// predicted labels so that per-batch metrics cost no second forward pass.
import type { SegLoss } from '../losses/index';
import { tf } from '../tf';

export interface StepResult {
  loss: number;
  predicted: Int32Array;
}

export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export async function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  loss: SegLoss,
  x: tf.Tensor4D,
  y: tf.Tensor3D,
  variables: tf.Variable[],
): Promise<StepResult> {
  let labels: tf.Tensor | null = null;
  const value = optimizer.minimize(
    () => {
      const probs = model.apply(x, { training: true }) as tf.Tensor;
      // Off the loss path, so the tape never differentiates it.
      labels = tf.keep(tf.argMax(probs, -1));
      return loss(probs, y);
    },
    true,
    variables,
  );
  try {
    const [lossValue] = (await value!.data()) as Float32Array;
    const predicted = (await labels!.data()) as Int32Array;
    return { loss: lossValue!, predicted };
  } finally {
    value?.dispose();
    (labels as tf.Tensor | null)?.dispose();
  }
}
