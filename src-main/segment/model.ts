// The model side of segmentation: a model folder (the engine's format, see engine/infer) seen
// through the pipeline's ProbabilityModel interface. The engine's `predictBatch` owns the input
// normalisation, so batch results match what training and evaluation saw. Which folder a model
// setting means is the engine's (resolveModelFolder). Every model call of segmentation (folder
// batches, the editor's prediction, pre-labelling) goes through runModel.
import { NUM_CLASSES } from '../contract/classes';
import { loadModelDir, predictBatch, startEngine, type LoadedModel, type PredictOptions } from '../engine/index';
import type { ProbabilityModel } from './types';

/** Square `inputSize` RGB inputs → HWC probabilities, one model call for all of them. */
export async function runModel(loaded: LoadedModel, inputs: Uint8Array[], options: PredictOptions = {}): Promise<Float32Array[]> {
  const size = loaded.meta.inputSize;
  const probs = await predictBatch(loaded, inputs.map((data) => ({ data, width: size, height: size })), options);
  return probs.map((p) => p.data);
}

/** `options.flip`: the test-time flip on or off; default: the model folder's own `tta`. */
export function probabilityModelFromLoaded(loaded: LoadedModel, options: PredictOptions = {}): ProbabilityModel {
  const size = loaded.meta.inputSize;
  const classes = loaded.meta.numClasses;
  if (classes !== NUM_CLASSES) throw new Error(`${loaded.dir}: the model has ${classes} classes, expected ${NUM_CLASSES}`);
  const check = (rgb: Uint8Array): void => {
    if (rgb.length !== size * size * 3) throw new RangeError(`model input must be ${size}x${size}x3 bytes, got ${rgb.length}`);
  };
  return {
    inputSize: size,
    numClasses: classes,
    async predict(rgb) {
      check(rgb);
      const [probs] = await runModel(loaded, [rgb], options);
      return probs!;
    },
    async predictBatch(rgbs) {
      rgbs.forEach(check);
      return rgbs.length === 0 ? [] : runModel(loaded, rgbs, options);
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
