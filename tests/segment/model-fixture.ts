// A small real model for the segment tests: the registry's U-Net with tiny widths and seeded
// (untrained) weights, in the engine's model-folder format.
import { CLASS_NAMES } from '../../src-main/contract/classes';
import { initEngine } from '../../src-main/engine/backend/index';
import { saveModelDir, type LoadedModel, type ModelMeta } from '../../src-main/engine/infer/predict';
import { buildModel } from '../../src-main/engine/models/registry';
import { RGB_MEAN, RGB_STD } from '../../src-main/dataset/loader';

export async function tinyModel(inputSize = 32, seed = 1): Promise<LoadedModel> {
  await initEngine();
  const options = { widths: [4, 8] };
  const model = buildModel('unet', { inputSize, numClasses: 8, seed, options });
  const meta: ModelMeta = {
    format: 'facet-model/1',
    model: 'unet',
    modelOptions: options,
    inputSize,
    numClasses: 8,
    classNames: [...CLASS_NAMES],
    normalization: { mean: [...RGB_MEAN], std: [...RGB_STD] },
    runId: null,
    epoch: null,
    savedAt: new Date().toISOString(),
  };
  return { model, meta, dir: '(memory)' };
}

export async function saveModel(loaded: LoadedModel, dir: string): Promise<string> {
  await saveModelDir(loaded.model, dir, loaded.meta);
  return dir;
}
