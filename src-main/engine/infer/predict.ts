// Inference on one photo: RGB bytes of any size → class probabilities at the model's input size
// ([size, size, classes], row-major). Callers that need the photo's own resolution resize these
// probabilities before the argmax, so boundaries stay smooth. Also loads a model folder. Runs on onnxruntime or
// the model's fused graph (runtime.ts): `model.predict`'s probabilities with far fewer passes over the maps.
// With the test-time flip (an option, or the model folder's default) they are averaged with the
// mirror image's (tta.ts).
import { normalizeInto } from '../../dataset/batches/normalize';
import { resizeRgb } from '../../dataset/batches/resize';
import { tf } from '../tf';
import type { LoadedModel } from './model-dir';
import { runModel } from './runtime';
import { averageWithMirrors, useFlip, withMirrors } from './tta';

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

/** The model's input floats, NHWC [n, size, size, 3], for photos already at the input size. */
export function inputFloats(images: Uint8Array[], size: number): Float32Array {
  const x = new Float32Array(images.length * size * size * 3);
  images.forEach((img, i) => normalizeInto(img, x, i * size * size * 3));
  return x;
}

/** The model's input tensor [n, size, size, 3] for photos already at the input size. */
export function inputTensor(images: Uint8Array[], size: number): tf.Tensor4D {
  return tf.tensor4d(inputFloats(images, size), [images.length, size, size, 3]);
}

export interface PredictOptions {
  /** Average with the mirror image's probabilities (test-time flip); default: the model folder's `tta`. */
  flip?: boolean | undefined;
}

export async function predictBatch(loaded: LoadedModel, images: RgbImage[], options: PredictOptions = {}): Promise<Probabilities[]> {
  const size = loaded.meta.inputSize;
  const resized = await Promise.all(images.map((im) => resizeRgb(im.data, im.width, im.height, size)));
  const n = images.length;
  const x = inputFloats(resized, size);
  const flip = useFlip(options.flip, loaded.meta.tta);
  // onnxruntime where it is faster, else the fused graph (runtime.ts); with the flip, one call on
  // the photos and their mirror images.
  const out = await runModel(loaded.model, flip ? withMirrors(x, n, size) : x, flip ? 2 * n : n, size);
  const data = flip ? averageWithMirrors(out.data, n, size, out.classes) : out.data;
  const per = size * size * out.classes;
  return images.map((_, i) => ({ data: data.slice(i * per, (i + 1) * per), size, classes: out.classes }));
}

export async function predict(loaded: LoadedModel, image: RgbImage, options: PredictOptions = {}): Promise<Probabilities> {
  const [out] = await predictBatch(loaded, [image], options);
  return out!;
}
