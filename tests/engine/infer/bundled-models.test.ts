// The bundled models as the studio lists them: read from their folders (architecture, size,
// flip, val score, weights size); a missing or damaged folder is "not installed", never an error.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeBundledModel, describeBundledModels } from '../../../src-main/engine/infer/bundled-models';
import { tempDir } from '../../helpers/temp';

const META = { format: 'facet-model/1', model: 'unet', modelOptions: {}, inputSize: 320, numClasses: 8, classNames: ['background', 'skin', 'eyebrows', 'eyes', 'nose', 'mouth', 'ears', 'eyeglasses'], normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }, savedAt: '2026-12-02T00:00:00Z', tta: 'flip' };

describe('bundled models', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  const saved = { default: process.env.FACET_DEFAULT_MODEL_DIR, accurate: process.env.FACET_ACCURATE_MODEL_DIR };

  beforeEach(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-bundled-'));
    process.env.FACET_DEFAULT_MODEL_DIR = join(root, 'missing');
    process.env.FACET_ACCURATE_MODEL_DIR = join(root, 'accurate');
    await mkdir(join(root, 'accurate'));
    await writeFile(join(root, 'accurate', 'model.json'), '{}');
    await writeFile(join(root, 'accurate', 'weights.bin'), new Uint8Array(1234));
    await writeFile(join(root, 'accurate', 'facet-model.json'), JSON.stringify(META));
    await writeFile(join(root, 'accurate', 'eval-val.json'), JSON.stringify({ metrics: { meanF1Face: 0.8912 } }));
  });

  afterEach(async () => {
    for (const [k, v] of [['FACET_DEFAULT_MODEL_DIR', saved.default], ['FACET_ACCURATE_MODEL_DIR', saved.accurate]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await cleanup();
  });

  it('reads each folder: installed with its figures, or not installed', async () => {
    expect(await describeBundledModels()).toEqual([
      { name: 'default', installed: false, architecture: null, inputSize: null, tta: null, valMeanF1Face: null, bytes: null },
      { name: 'accurate', installed: true, architecture: 'unet', inputSize: 320, tta: 'flip', valMeanF1Face: 0.8912, bytes: 1234 },
    ]);
  });

  it('a damaged description reads as not installed; a missing or odd eval-val.json as no score', async () => {
    await writeFile(join(root, 'accurate', 'eval-val.json'), '{"metrics":{"meanF1Face":"high"}}');
    expect(await describeBundledModel('accurate')).toMatchObject({ installed: true, valMeanF1Face: null });
    await writeFile(join(root, 'accurate', 'facet-model.json'), '{"format": 3');
    expect(await describeBundledModel('accurate')).toMatchObject({ installed: false, inputSize: null });
  });
});

describe('the models that ship', () => {
  it('both are installed: the fast one at 256 px without the flip, the accurate one at 320 px with it', async () => {
    const saved = { default: process.env.FACET_DEFAULT_MODEL_DIR, accurate: process.env.FACET_ACCURATE_MODEL_DIR };
    delete process.env.FACET_DEFAULT_MODEL_DIR;
    delete process.env.FACET_ACCURATE_MODEL_DIR;
    try {
      const [fast, accurate] = await describeBundledModels();
      expect(fast).toMatchObject({ name: 'default', installed: true, inputSize: 256, tta: 'none' });
      expect(accurate).toMatchObject({ name: 'accurate', installed: true, inputSize: 320, tta: 'flip' });
      // Its card's evaluation (with the flip, at 320 px) beats the fast model's (at 256 px).
      expect(accurate!.valMeanF1Face!).toBeGreaterThan(fast!.valMeanF1Face!);
    } finally {
      for (const [k, v] of [['FACET_DEFAULT_MODEL_DIR', saved.default], ['FACET_ACCURATE_MODEL_DIR', saved.accurate]] as const) if (v !== undefined) process.env[k] = v;
    }
  });
});
