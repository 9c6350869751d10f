// A run config is judged before anything starts: bounds on the model options in the contract, and
// an estimate of the model's size and memory against limits. A refused `runs.start` answers
// invalid_input and leaves no run folder.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/training';
import { createContext } from '../../../src-main/host/context';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { initEngine } from '../../../src-main/engine/backend/index';
import { buildModel } from '../../../src-main/engine/models/registry';
import { checkTrainingBudget, estimateUnet, MAX_PARAMETERS, TrainingBudgetError } from '../../../src-main/engine/train/config-limits';
import { activationBytes } from '../../../src-main/engine/models/activation-bytes';
import { RUNS_DIR } from '../../../src-main/engine/infer/model-folder';
import { tempDir } from '../../helpers/temp';

const data = { kind: 'project', dir: '.' } as const;

describe('run config bounds', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('refuses unet widths out of range, naming the field', () => {
    for (const widths of [[1e9], [8, 1e9], [0, 8], [8], [8, 16, 32, 64, 128, 256, 512, 1024, 2048], [8.5, 16]]) {
      const parsed = runConfigSchema.safeParse({ model: 'unet', modelOptions: { widths }, data });
      expect(parsed.success, JSON.stringify(widths)).toBe(false);
      expect(parsed.error!.issues[0]!.path.slice(0, 2)).toEqual(['modelOptions', 'widths']);
    }
    expect(runConfigSchema.safeParse({ model: 'unet', modelOptions: { widths: [8, 16] }, data }).success).toBe(true);
    expect(runConfigSchema.safeParse({ modelOptions: { filters: 1e9 }, data }).success).toBe(false);
    expect(runConfigSchema.safeParse({ stepsPerEpoch: 1e12, data }).success).toBe(false);
  });

  it('estimates the U-Net exactly as built: parameters and layer outputs', () => {
    for (const widths of [[4, 8], [8, 16, 32], [16, 32, 64, 128]]) {
      const model = buildModel('unet', { inputSize: 64, numClasses: 8, options: { widths } });
      const estimate = estimateUnet(widths, 64);
      expect(estimate.parameters).toBe(model.countParams());
      expect(estimate.activationBytesPerImage).toBe(activationBytes(model));
      model.dispose();
    }
  });

  it('refuses a model over the parameter or memory limit, and passes the defaults', () => {
    expect(() => checkTrainingBudget({ model: 'unet', modelOptions: { widths: [2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048] }, inputSize: 256 })).toThrow(TrainingBudgetError);
    expect(estimateUnet([2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048], 256).parameters).toBeGreaterThan(MAX_PARAMETERS);
    // Few parameters, but 1024 px at 512 channels is tens of GB of activations per image.
    expect(() => checkTrainingBudget({ model: 'unet', modelOptions: { widths: [512, 512] }, inputSize: 1024 })).toThrow(/GB per training image/);
    expect(() => checkTrainingBudget({ model: 'unet', modelOptions: {}, inputSize: 256 })).not.toThrow();
    expect(() => checkTrainingBudget({ model: 'deeplabv3plus-mobilenetv2', modelOptions: {}, inputSize: 1024 })).not.toThrow();
  });
});

describe('runs.start with a config it cannot train', () => {
  let project: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir: project, cleanup } = await tempDir('facet-config-limits-'));
  });
  afterEach(async () => cleanup());

  it('answers invalid_input before creating a run folder', async () => {
    const router = createRouter(handlers);
    const ctx = createContext({ projectDir: project, transport: 'server' }, () => undefined);
    const start = (config: unknown): Promise<unknown> => router.dispatch('runs.start', { config }, ctx);
    await expect(start({ model: 'unet', modelOptions: { widths: [1e9] }, inputSize: 32 })).rejects.toMatchObject({ code: 'invalid_input', field: 'config.modelOptions.widths.0' });
    const huge = start({ model: 'unet', modelOptions: { widths: [512, 512] }, inputSize: 1024 });
    await expect(huge).rejects.toMatchObject({ code: 'invalid_input', field: 'config.modelOptions' });
    await expect(huge).rejects.toThrow(/GB per training image/);
    const runs = join(project, RUNS_DIR);
    expect(existsSync(runs) ? await readdir(runs) : []).toEqual([]);
  });
});
