// Inference on one photo: RGB bytes of any size → class probabilities at the model's input size
// ([size, size, classes], row-major). Callers that need the photo's own resolution resize these
// probabilities before the argmax, so boundaries stay smooth. Also loads a model folder. Runs on onnxruntime or
// the model's fused graph (runtime.ts): `model.predict`'s probabilities with far fewer passes over the maps.
import { normalizeInto } from '../../dataset/batches/normalize';
import { resizeRgb } from '../../dataset/batches/resize';
import { tf } from '../tf';
import type { LoadedModel } from './model-dir';
import { runModel } from './runtime';

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

export async function predictBatch(loaded: LoadedModel, images: RgbImage[]): Promise<Probabilities[]> {
  const size = loaded.meta.inputSize;
  const resized = await Promise.all(images.map((im) => resizeRgb(im.data, im.width, im.height, size)));
  // onnxruntime where it is faster, else the fused graph (runtime.ts).
  const { data, classes } = await runModel(loaded.model, inputFloats(resized, size), images.length, size);
  const per = size * size * classes;
  return images.map((_, i) => ({ data: data.slice(i * per, (i + 1) * per), size, classes }));
}

export async function predict(loaded: LoadedModel, image: RgbImage): Promise<Probabilities> {
  const [out] = await predictBatch(loaded, [image]);
  return out!;
}
