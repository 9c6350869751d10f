// masks.predict and project.setModel over a temp project with real (tiny, untrained) models.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Session } from '../../../src-main/host/context';
import type { ImageItem, MaskData, ProjectSummary } from '../../../src-main/contract/project';
import { predictHandlers } from '../../../src-main/host/handlers/predict';
import { projectHandlers } from '../../../src-main/host/handlers/project';
import { createRouter, type Handlers } from '../../../src-main/host/router';
import { closeAllStores, openStore } from '../../../src-main/dataset/store/store';
import { decodePhoto } from '../../../src-main/segment/decode';
import { loadSegmentModel } from '../../../src-main/segment/model';
import { clearModelCache } from '../../../src-main/segment/project-model';
import { closePredictionHost } from '../../../src-main/segment/prediction-host';
import { segmentWhole } from '../../../src-main/segment/segment-photo';
import { tempDir } from '../../helpers/temp';
import { makePhoto } from '../../dataset/fixtures/make';
import { saveModel, tinyModel } from '../../segment/model-fixture';

let root: string;
let cleanup: () => Promise<void>;
let project: string;
let defaultDir: string;
let item: ImageItem;
const savedEnv = process.env.FACET_DEFAULT_MODEL_DIR;
const router = createRouter({ ...projectHandlers, ...predictHandlers } as Handlers);
const session: Session = { projectDir: null, transport: 'server' };
const ctx = createContext(session, () => {});
const call = <T>(method: string, input: unknown): Promise<T> => router.dispatch(method, input, ctx) as Promise<T>;

/** What the segment pipeline itself gives for the stored photo with the model in `dir`. */
async function pipelineLabels(dir: string): Promise<Uint8Array> {
  const model = await loadSegmentModel(dir);
  try {
    const s = openStore(project, { create: false });
    const photo = await decodePhoto(s.path(s.row(item.id).file));
    return (await segmentWhole(photo, model)).labels;
  } finally {
    model.dispose();
  }
}

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-predict-'));
  defaultDir = join(root, 'default-model');
  await mkdir(defaultDir, { recursive: true });
  process.env.FACET_DEFAULT_MODEL_DIR = defaultDir;
  // EXIF orientation 6 (rotated): the stored photo is 30x40, and so must the prediction be.
  await makePhoto(join(root, 'src', 'images', 'face.jpg'), 40, 30, { orientation: 6 });
  await mkdir(join(root, 'src', 'masks'), { recursive: true });
  project = join(root, 'p');
  await call('project.open', { dir: project, create: true });
  await call('project.import', { source: join(root, 'src'), preset: 'labels8' });
  item = (await call<{ items: ImageItem[] }>('images.list', {})).items[0]!;
}, 60_000);
afterAll(async () => {
  if (savedEnv === undefined) delete process.env.FACET_DEFAULT_MODEL_DIR;
  else process.env.FACET_DEFAULT_MODEL_DIR = savedEnv;
  await closePredictionHost();
  await clearModelCache();
  closeAllStores();
  await cleanup();
});

describe('masks.predict', () => {
  it('is not_found, saying how to get a model, when there is neither a current nor a default model', async () => {
    await expect(call('masks.predict', { id: item.id })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/no model.*(train|install)/s),
    });
  });

  it('predicts with the default model: full-size labels equal to the segment pipeline, nothing saved', async () => {
    await saveModel(await tinyModel(32, 1), defaultDir);
    const mask = await call<MaskData>('masks.predict', { id: item.id });
    expect(item.width).toBe(30);
    expect(item.height).toBe(40);
    expect(mask).toMatchObject({ imageId: item.id, width: 30, height: 40, revision: 0 });
    expect(mask.labels).toHaveLength(30 * 40);
    expect(mask.labels.every((v) => v >= 0 && v <= 7)).toBe(true);
    expect(Buffer.from(mask.labels).equals(Buffer.from(await pipelineLabels(defaultDir)))).toBe(true);
    const again = await call<MaskData>('masks.predict', { id: item.id });
    expect(Buffer.from(again.labels).equals(Buffer.from(mask.labels))).toBe(true);
    const listed = (await call<{ items: ImageItem[] }>('images.list', {})).items[0]!;
    expect(listed.maskRevision).toBe(item.maskRevision);
  });

  it('fails with not_found for an unknown image', async () => {
    await expect(call('masks.predict', { id: 9999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('project.setModel', () => {
  it('refuses a run or folder without model.json, naming the path, and changes nothing', async () => {
    await expect(call('project.setModel', { model: 'no-such-run' })).rejects.toMatchObject({
      code: 'bad_file',
      file: join(project, 'runs', 'no-such-run', 'checkpoints', 'best', 'model.json'),
    });
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(call('project.setModel', { model: empty })).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining(join(empty, 'model.json')) });
    expect((await call<ProjectSummary>('project.summary', {})).currentModel).toBeNull();
  });

  it('sets a run id (its best checkpoint), which predict then uses, and clears it with null', async () => {
    // Input size 48 (not 32) so this model's output differs from the default model's.
    const best = join(project, 'runs', 'run-1', 'checkpoints', 'best');
    await saveModel(await tinyModel(48, 7), best);
    const summary = await call<ProjectSummary>('project.setModel', { model: 'run-1' });
    expect(summary.currentModel).toBe('run-1');
    expect((await call<ProjectSummary>('project.summary', {})).currentModel).toBe('run-1');
    const mask = await call<MaskData>('masks.predict', { id: item.id });
    expect(Buffer.from(mask.labels).equals(Buffer.from(await pipelineLabels(best)))).toBe(true);
    // The current model wins over the default one (whose labels differ for this photo).
    expect(Buffer.from(mask.labels).equals(Buffer.from(await pipelineLabels(defaultDir)))).toBe(false);
    expect((await call<ProjectSummary>('project.setModel', { model: null })).currentModel).toBeNull();
  });

  it('sets a model folder path', async () => {
    const folder = join(root, 'folder-model');
    await saveModel(await tinyModel(32, 3), folder);
    const summary = await call<ProjectSummary>('project.setModel', { model: folder });
    expect(summary.currentModel).toBe(folder);
    const mask = await call<MaskData>('masks.predict', { id: item.id });
    expect(Buffer.from(mask.labels).equals(Buffer.from(await pipelineLabels(folder)))).toBe(true);
  });
});
