// One architecture at another input size: the studio's models are fully convolutional, so a
// model rebuilt at a new size has the same weights in the same order and shapes; only the
// topology (input shape, the pooling branches' upsampling factors) changes. Used to fine-tune
// a model at a larger size (`--init` with `--size`) and to resize a stopped run.
import type { tf } from '../tf';
import { buildModel, type BuildOptions } from './registry';

/** The square input size a built model takes. */
function inputSizeOf(model: tf.LayersModel): number {
  const shape = model.inputs[0]!.shape;
  return Number(shape[1]);
}

/** Copies `from`'s weights into `to`, after checking that both hold the same list of shapes. */
export function transplantWeights(from: tf.LayersModel, to: tf.LayersModel, what: string): void {
  const source = from.getWeights();
  const target = to.getWeights();
  if (source.length !== target.length) throw new Error(`${what}: ${source.length} weights, but ${to.name} at ${inputSizeOf(to)}px has ${target.length}`);
  source.forEach((w, i) => {
    if (w.shape.join('x') !== target[i]!.shape.join('x')) throw new Error(`${what}: weight ${i} has shape ${w.shape.join('x')}, ${to.name} at ${inputSizeOf(to)}px wants ${target[i]!.shape.join('x')}`);
  });
  to.setWeights(source);
}

/** `model` itself at its own size, else the architecture rebuilt at `build.inputSize` with its weights (and `model` disposed). */
export function atInputSize(model: tf.LayersModel, name: string, build: BuildOptions, what: string): tf.LayersModel {
  if (inputSizeOf(model) === build.inputSize) return model;
  const rebuilt = buildModel(name, build);
  try {
    transplantWeights(model, rebuilt, what);
  } catch (error) {
    rebuilt.dispose();
    throw error;
  }
  model.dispose();
  return rebuilt;
}
