// Inference on a photo of any size: probabilities at the model's input size that sum to 1 per
// pixel, a batch gives what single calls give, and a broken model folder fails saying why.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { RGB_MEAN, RGB_STD } from '../../../src-main/dataset/loader';
import { initEngine } from '../../../src-main/engine/backend/index';
import { loadModelDir, predict, predictBatch, saveModelDir } from '../../../src-main/engine/infer/predict';
import { buildModel } from '../../../src-main/engine/models/registry';
import { tempDir } from '../../helpers/temp';

function photo(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17) % 256;
  return { data, width, height };
}

describe('predict', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('gives class probabilities at the input size for any photo size', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = buildModel('unet', { inputSize: 32, numClasses: 8, options: { widths: [4, 8] } });
      await saveModelDir(model, join(dir, 'm'), {
        format: 'facet-model/1', model: 'unet', modelOptions: { widths: [4, 8] }, inputSize: 32, numClasses: 8, classNames: [...CLASS_NAMES],
        normalization: { mean: [...RGB_MEAN], std: [...RGB_STD] }, runId: null, epoch: null, savedAt: new Date().toISOString(),
      });
      model.dispose();
      const loaded = await loadModelDir(join(dir, 'm'));
      const a = await predict(loaded, photo(50, 40, 1));
      expect([a.size, a.classes, a.data.length]).toEqual([32, 8, 32 * 32 * 8]);
      for (let p = 0; p < 32 * 32; p += 97) {
        const sum = a.data.subarray(p * 8, p * 8 + 8).reduce((s, v) => s + v, 0);
        expect(sum).toBeCloseTo(1, 4);
      }
      const [b1, b2] = await predictBatch(loaded, [photo(50, 40, 1), photo(20, 60, 2)]);
      expect(Array.from(b1!.data)).toEqual(Array.from(a.data));
      const b2Single = await predict(loaded, photo(20, 60, 2));
      expect(Array.from(b2!.data)).toEqual(Array.from(b2Single.data));
      loaded.model.dispose();
    } finally {
      await cleanup();
    }
  });

  it('names the folder and the problem for a bad model folder', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await expect(loadModelDir(dir)).rejects.toThrow(`${dir}: not a model folder (no model.json)`);
      writeFileSync(join(dir, 'model.json'), '{}');
      writeFileSync(join(dir, 'facet-model.json'), '{"format":"other"}');
      await expect(loadModelDir(dir)).rejects.toThrow(/facet-model\.json: invalid model description/);
    } finally {
      await cleanup();
    }
  });
});
