// Inference on one photo: RGB bytes of any size → class probabilities at the model's input size
// ([size, size, classes], row-major). Callers that need the photo's own resolution resize these
// probabilities before the argmax, so boundaries stay smooth. Also loads a model folder. Runs the model's fused
// graph (fused-graph.ts): `model.predict`'s probabilities with far fewer passes over the maps.
// With the test-time flip (an option, or the model folder's default) they are averaged with the
// mirror image's (tta.ts).
import { normalizeInto } from '../../dataset/batches/normalize';
import { resizeRgb } from '../../dataset/batches/resize';
import { tf } from '../tf';
import { fusedGraphOf } from './graph-cache';
import type { LoadedModel } from './model-dir';
import { predictWithFlip, useFlip } from './tta';

export { loadModelDir, readModelMeta, saveModelDir, type LoadedModel, type ModelMeta } from './model-dir';

export interface RgbImage {
  /** width*height*3 bytes, RGB, row-major. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Probabilities {
  /** size*size*classes floats; pixel (x, y) class c at ((y * size) + x) * classes + c. */
  data: Float32Array;
  size: number;
  classes: number;
}

/** The model's input tensor [n, size, size, 3] for photos already at the input size. */
export function inputTensor(images: Uint8Array[], size: number): tf.Tensor4D {
  const x = new Float32Array(images.length * size * size * 3);
  images.forEach((img, i) => normalizeInto(img, x, i * size * size * 3));
  return tf.tensor4d(x, [images.length, size, size, 3]);
}

export interface PredictOptions {
  /** Average with the mirror image's probabilities (test-time flip); default: the model folder's `tta`. */
  flip?: boolean | undefined;
}

export async function predictBatch(loaded: LoadedModel, images: RgbImage[], options: PredictOptions = {}): Promise<Probabilities[]> {
  const size = loaded.meta.inputSize;
  const resized = await Promise.all(images.map((im) => resizeRgb(im.data, im.width, im.height, size)));
  const x = inputTensor(resized, size);
  let y: tf.Tensor;
  try {
    const graph = fusedGraphOf(loaded.model);
    y = predictWithFlip((input) => graph.predict(input), x, useFlip(options.flip, loaded.meta.tta));
  } finally {
    x.dispose();
  }
  try {
    const data = (await y.data()) as Float32Array;
    const classes = y.shape[3]!;
    const per = size * size * classes;
    return images.map((_, i) => ({ data: data.slice(i * per, (i + 1) * per), size, classes }));
  } finally {
    y.dispose();
  }
}

export async function predict(loaded: LoadedModel, image: RgbImage, options: PredictOptions = {}): Promise<Probabilities> {
  const [out] = await predictBatch(loaded, [image], options);
  return out!;
}
