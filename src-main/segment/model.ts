// The model side of segmentation: a model folder (the engine's format, see engine/infer) seen
// through the pipeline's ProbabilityModel interface. The engine's `predict` owns the input
// normalisation, so batch results match what training and evaluation saw.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NUM_CLASSES } from '../contract/classes';
import { initEngine } from '../engine/backend/index';
import { loadModelDir, predict, type LoadedModel } from '../engine/infer/predict';
import type { ProbabilityModel } from './types';

/** Where `facet segment` looks when no --model is given (filled by the default-model issue). */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../resources/models/default', import.meta.url));

export function probabilityModelFromLoaded(loaded: LoadedModel): ProbabilityModel {
  const size = loaded.meta.inputSize;
  const classes = loaded.meta.numClasses;
  if (classes !== NUM_CLASSES) throw new Error(`${loaded.dir}: the model has ${classes} classes, expected ${NUM_CLASSES}`);
  return {
    inputSize: size,
    numClasses: classes,
    async predict(rgb) {
      if (rgb.length !== size * size * 3) throw new RangeError(`model input must be ${size}x${size}x3 bytes, got ${rgb.length}`);
      const probs = await predict(loaded, { data: rgb, width: size, height: size });
      return probs.data;
    },
    dispose() {
      loaded.model.dispose();
    },
  };
}

/** The model folder to use, with a message that says what to do when there is none. */
export async function resolveModelDir(dir: string | undefined): Promise<string> {
  const chosen = resolve(dir ?? DEFAULT_MODEL_DIR);
  const ok = await access(join(chosen, 'model.json')).then(
    () => true,
    () => false,
  );
  if (ok) return chosen;
  if (dir === undefined) {
    throw new Error(
      `no model given and the bundled default model is missing (${join(chosen, 'model.json')}): pass --model DIR (a run checkpoint such as PROJECT/runs/ID/checkpoints/best, or a model folder)`,
    );
  }
  throw new Error(`not a model folder: ${join(chosen, 'model.json')} not found`);
}

export async function loadSegmentModel(dir: string): Promise<ProbabilityModel> {
  await initEngine();
  return probabilityModelFromLoaded(await loadModelDir(dir));
}
