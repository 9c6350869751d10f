// How `facet train`'s flags become a run config: the recipe under the flags, --init's model
// supplying the architecture, --minutes making the epochs a cap, --replay choosing a project or
// a labelled folder. No training here.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { configFromOptions } from '../../src-main/cli/train';
import { BUNDLED_MODEL_DIR } from '../../src-main/engine/infer/model-folder';
import { readModelMeta } from '../../src-main/engine/infer/model-dir';

const base = { project: '/tmp/p', data: '/tmp/d', preset: 'celebamask-hq', replayPreset: 'celebamask-hq', augment: true, progress: false };

it('without --init: the original recipe, the default model, planned epochs', async () => {
  const config = await configFromOptions({ ...base });
  expect(config).toMatchObject({ init: null, lineage: null, minutes: null, optimizer: 'sgd', lr: 0.1, freezeBatchNorm: false, epochs: 100, model: 'deeplabv3plus-mobilenetv2' });
});

it('--init default: the bundled model\'s architecture and size, the finetune recipe, flags over it', async () => {
  const meta = await readModelMeta(process.env.FACET_DEFAULT_MODEL_DIR || BUNDLED_MODEL_DIR);
  const config = await configFromOptions({ ...base, init: 'default', minutes: 2, lr: 3e-4, replay: '/tmp/other', replayShare: 0.3 });
  expect(config).toMatchObject({ init: 'default', model: meta.model, inputSize: meta.inputSize, minutes: 2, epochs: 10_000, optimizer: 'adam', lr: 3e-4, freezeBatchNorm: true, warmup: 0.05 });
  expect(config.augment).toMatchObject({ rotate: 25, grayscale: 0.2, blur: 0.2, jpeg: 0.3 });
  expect(config.replay).toEqual({ data: { kind: 'folder', dir: '/tmp/other', preset: 'celebamask-hq', valEvery: 5, limit: 0 }, share: 0.3 });
  expect((await configFromOptions({ ...base, init: 'default', freezeBn: false, recipe: 'adam-cosine' })).freezeBatchNorm).toBe(false);
  // Another size is the model rebuilt there (fully convolutional); another architecture is refused.
  expect((await configFromOptions({ ...base, init: 'default', size: meta.inputSize + 64 })).inputSize).toBe(meta.inputSize + 64);
  await expect(configFromOptions({ ...base, init: 'default', model: 'unet' })).rejects.toThrow(/contradicts the model to start from/);
  await expect(configFromOptions({ ...base, init: join('/tmp', 'no-such-model') })).rejects.toThrow(/not found/);
});

it('--select-by: face-part F1 picks the best checkpoint unless the old 8-class IoU rule is asked for', async () => {
  expect((await configFromOptions({ ...base })).selectBy).toBe('meanF1Face');
  expect((await configFromOptions({ ...base, selectBy: 'meanIoU' })).selectBy).toBe('meanIoU');
});
it('the robustness augmentation flags set their config fields (all off without them), geometry ranges too', async () => {
  const off = await configFromOptions({ ...base });
  expect(off.augment).toMatchObject({ perspective: 0, lowRes: 0, occlusion: 0, glassesPaste: 0, rotate: 10, scale: 0.1, shift: 0.05 });
  const on = await configFromOptions({ ...base, perspective: 0.3, lowRes: 0.2, occlusion: 0.25, glassesPaste: 0.15, rotate: 30, scale: 0.4, shift: 0.1 });
  expect(on.augment).toMatchObject({ perspective: 0.3, lowRes: 0.2, occlusion: 0.25, glassesPaste: 0.15, rotate: 30, scale: 0.4, shift: 0.1 });
  const finetune = await configFromOptions({ ...base, init: 'default', occlusion: 0.5 });
  expect(finetune.augment).toMatchObject({ rotate: 25, grayscale: 0.2, occlusion: 0.5, perspective: 0 });
  await expect(configFromOptions({ ...base, rotate: 60 })).rejects.toThrow(/augment\.rotate/);
});
