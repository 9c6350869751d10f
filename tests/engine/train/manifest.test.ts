// The bundled model's training manifest: hashes of the 641 CelebAMask-HQ photos it was trained
// on (no photos), which makes an evaluation on those photos warn and one on its validation
// photos not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/training';
import { openDataSource } from '../../../src-main/dataset/loader';
import { BUNDLED_MODEL_DIR } from '../../../src-main/engine/infer/model-folder';
import { MANIFEST_FILE, trainingOverlap } from '../../../src-main/engine/train/manifest';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';

const ACCURATE_DIR = join(BUNDLED_MODEL_DIR, '..', 'accurate');

it.each([['fast', BUNDLED_MODEL_DIR], ['accurate', ACCURATE_DIR]])('the bundled %s model ships hashes of its 641 training photos, and nothing else', (_name, dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { images: { name: string; sha256: string }[] };
  expect(manifest.images).toHaveLength(641);
  for (const image of manifest.images) expect(Object.keys(image).sort()).toEqual(['name', 'sha256']);
  expect(new Set(manifest.images.map((i) => i.sha256)).size).toBe(641);
});

describeWith([needsData()], 'overlap with the bundled model\'s training photos', () => {
  it('its train split overlaps fully, its validation split not at all', async () => {
    const splits = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 20 }));
    const onTrain = await trainingOverlap(splits.train, BUNDLED_MODEL_DIR, null);
    expect(onTrain).toMatchObject({ count: 16, names: splits.train.map((i) => i.name) });
    expect(await trainingOverlap(splits.val, ACCURATE_DIR, null)).toMatchObject({ count: 0 });
    expect(await trainingOverlap(splits.val, BUNDLED_MODEL_DIR, null)).toMatchObject({ count: 0 });
  });
});
