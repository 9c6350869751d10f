// masks.predict runs its work (decode, model, resize + argmax) in the prediction worker: the
// API's thread never loads the model, so a large photo's seconds of CPU never hold up other
// clients' calls. Checked by what the main thread's tfjs holds, not by timing. (Ping latency
// on a large photo is a measured figure, in the notes, not a test threshold.)
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../src-main/host/context';
import type { ImageItem, MaskData } from '../../../src-main/contract/project';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { tf } from '../../../src-main/engine/tf';
import { closePredictionHost } from '../../../src-main/segment/prediction-host';
import { closeAllStores } from '../../../src-main/dataset/store/store';
import { clearModelCache } from '../../../src-main/segment/project-model';
import { makePhoto } from '../../dataset/fixtures/make';
import { tempDir } from '../../helpers/temp';
import { saveModel, tinyModel } from '../../segment/model-fixture';

const router = createRouter(handlers);
const ctx = createContext({ projectDir: null, transport: 'server' }, () => {});
const call = <T>(method: string, input: unknown): Promise<T> => router.dispatch(method, input, ctx) as Promise<T>;
let cleanup: () => Promise<void>;
const savedEnv = process.env.FACET_DEFAULT_MODEL_DIR;

beforeAll(async () => {
  const t = await tempDir('facet-predict-thread-');
  cleanup = t.cleanup;
  const modelDir = join(t.dir, 'model');
  const built = await tinyModel(32, 5);
  await saveModel(built, modelDir);
  built.model.dispose();
  process.env.FACET_DEFAULT_MODEL_DIR = modelDir;
  await makePhoto(join(t.dir, 'src', 'images', 'face.jpg'), 300, 200);
  await call('project.open', { dir: join(t.dir, 'p'), create: true });
  await call('project.import', { source: join(t.dir, 'src'), preset: 'images-only' });
}, 60_000);

afterAll(async () => {
  if (savedEnv === undefined) delete process.env.FACET_DEFAULT_MODEL_DIR;
  else process.env.FACET_DEFAULT_MODEL_DIR = savedEnv;
  await closePredictionHost();
  await clearModelCache();
  closeAllStores();
  await cleanup();
});

describe('masks.predict off the API thread', () => {
  it('predicts full-size labels without loading the model (or any tensor) on the API thread', async () => {
    const item = (await call<{ items: ImageItem[] }>('images.list', {})).items[0]!;
    const tensorsBefore = tf.memory().numTensors;
    const mask = await call<MaskData>('masks.predict', { id: item.id });
    expect(mask).toMatchObject({ imageId: item.id, width: 300, height: 200, revision: 0 });
    expect(mask.labels).toHaveLength(300 * 200);
    expect(mask.labels.every((v) => v <= 7)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('a bad photo file keeps its typed error across the thread boundary', async () => {
    const item = (await call<{ items: ImageItem[] }>('images.list', {})).items[0]!;
    const { openStore } = await import('../../../src-main/dataset/store/store');
    const { writeFile } = await import('node:fs/promises');
    const s = openStore(ctx.session.projectDir!);
    await writeFile(s.path(s.row(item.id).file), 'not a photo');
    await expect(call('masks.predict', { id: item.id })).rejects.toMatchObject({ code: 'bad_file' });
  });
});
