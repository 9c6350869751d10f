// The model side of segmentation: a model folder (the engine's format, see engine/infer) seen
// through the pipeline's ProbabilityModel interface. The engine's `predict` owns the input
// normalisation, so batch results match what training and evaluation saw. Which folder a model
// setting means is the engine's (resolveModelFolder).
import { NUM_CLASSES } from '../contract/classes';
import { loadModelDir, predict, startEngine, type LoadedModel, type PredictOptions } from '../engine/index';
import type { ProbabilityModel } from './types';

/** `options.flip`: the test-time flip on or off; default: the model folder's own `tta`. */
export function probabilityModelFromLoaded(loaded: LoadedModel, options: PredictOptions = {}): ProbabilityModel {
  const size = loaded.meta.inputSize;
  const classes = loaded.meta.numClasses;
  if (classes !== NUM_CLASSES) throw new Error(`${loaded.dir}: the model has ${classes} classes, expected ${NUM_CLASSES}`);
  return {
    inputSize: size,
    numClasses: classes,
    async predict(rgb) {
      if (rgb.length !== size * size * 3) throw new RangeError(`model input must be ${size}x${size}x3 bytes, got ${rgb.length}`);
      const probs = await predict(loaded, { data: rgb, width: size, height: size }, options);
      return probs.data;
    },
    dispose() {
      loaded.model.dispose();
    },
  };
}

export async function loadSegmentModel(dir: string, options: PredictOptions = {}): Promise<ProbabilityModel> {
  await startEngine();
  return probabilityModelFromLoaded(await loadModelDir(dir), options);
}
