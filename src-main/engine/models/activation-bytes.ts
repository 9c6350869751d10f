// The size of a model's layer outputs, the yardstick for how much memory a training step or an
// inference batch of it needs (train/heap-budget.ts, infer/onnx/session.ts).
import type { tf } from '../tf';

/** Bytes of every layer's output for one image (float32). */
export function activationBytes(model: tf.LayersModel): number {
  let elements = 0;
  for (const layer of model.layers) {
    const shape = layer.outputShape as Array<number | null> | Array<Array<number | null>>;
    const shapes = Array.isArray(shape[0]) ? (shape as Array<Array<number | null>>) : [shape as Array<number | null>];
    for (const s of shapes) elements += s.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  return elements * 4;
}
