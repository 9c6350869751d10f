// "Predict all" over the API and `facet predict`: a model runs over the project's images in an
// engine worker, with progress events; the results are proposals (not mask revisions) with an
// uncertainty and, for a labelled image, an F1 against its mask; images.list sorts by them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageItem } from '../../../src-main/contract/project';
import type { PredictAllJob, Proposal } from '../../../src-main/contract/proposals';
import { closeAllStores, openStore } from '../../../src-main/dataset/store/store';
import { createContext } from '../../../src-main/host/context';
import { handlers } from '../../../src-main/host/handlers/index';
import { settledPredictAll } from '../../../src-main/host/handlers/proposals';
import { createRouter } from '../../../src-main/host/router';
import { faceF1, faceUncertainty, selectRows } from '../../../src-main/segment/predict-project';
import { makePhoto } from '../../dataset/fixtures/make';
import { tempDir } from '../../helpers/temp';
import { saveModel, tinyModel } from '../../segment/model-fixture';

const events: { name: string; payload: unknown }[] = [];
const router = createRouter(handlers);
const ctx = createContext({ projectDir: null, transport: 'server' }, (name, payload) => void events.push({ name, payload }));
const call = <T>(method: string, input: unknown): Promise<T> => router.dispatch(method, input, ctx) as Promise<T>;
const bin = fileURLToPath(new URL('../../../bin/facet.js', import.meta.url));
let root: string;
let cleanup: () => Promise<void>;
let modelDir: string;
const savedEnv = process.env.FACET_DEFAULT_MODEL_DIR;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-proposals-'));
  modelDir = join(root, 'model');
  const built = await tinyModel(32, 5);
  await saveModel(built, modelDir);
  built.model.dispose();
  process.env.FACET_DEFAULT_MODEL_DIR = modelDir;
  for (const [i, w] of [120, 90, 100].entries()) await makePhoto(join(root, 'src', 'images', `face${i}.jpg`), w, 80);
  await call('project.open', { dir: join(root, 'p'), create: true });
  await call('project.import', { source: join(root, 'src'), preset: 'images-only' });
}, 60_000);

afterAll(async () => {
  if (savedEnv === undefined) delete process.env.FACET_DEFAULT_MODEL_DIR;
  else process.env.FACET_DEFAULT_MODEL_DIR = savedEnv;
  closeAllStores();
  await cleanup?.();
});

describe('proposal measures', () => {
  it('uncertainty is mean (1 - max prob) over the predicted face region; F1 over face parts', () => {
    // 2x2 map, 2 classes: background sure (0.9), face (class 1) at 0.6 and 0.8
    const probs = new Float32Array([0.9, 0.1, 0.4, 0.6, 0.2, 0.8, 0.95, 0.05]);
    expect(faceUncertainty(probs, 2, 2, { x: 0, y: 0, w: 2, h: 2 })).toBeCloseTo((0.4 + 0.2) / 2, 6);
    expect(faceUncertainty(new Float32Array([0.9, 0.1, 0.7, 0.3, 0.8, 0.2, 0.6, 0.4]), 2, 2, { x: 0, y: 0, w: 2, h: 2 })).toBeCloseTo((0.1 + 0.3 + 0.2 + 0.4) / 4, 6);
    expect(faceF1(new Uint8Array([1, 1, 0, 2]), new Uint8Array([1, 0, 0, 2]), 3)).toBeCloseTo((2 / 3 + 1) / 2, 6);
    expect(faceF1(new Uint8Array([0, 0]), new Uint8Array([0, 0]), 3)).toBe(1);
  });

  it('selects unlabelled, unreviewed or all images', () => {
    const rows = [{ mask_revision: 0, status: 'unlabeled' }, { mask_revision: 2, status: 'done' }, { mask_revision: 1, status: 'reviewed' }] as Parameters<typeof selectRows>[0];
    expect(selectRows(rows, 'unlabelled')).toHaveLength(1);
    expect(selectRows(rows, 'unreviewed')).toHaveLength(2);
    expect(selectRows(rows, 'all')).toHaveLength(3);
  });
});

describe('project.predictAll and proposals.get', () => {
  it('stores a proposal per image (never a mask revision) with progress events, and images.list sorts by them', async () => {
    const { items } = await call<{ items: ImageItem[] }>('images.list', {});
    const labelled = items[0]!;
    await call('masks.save', { id: labelled.id, width: labelled.width, height: labelled.height, labels: new Uint8Array(labelled.width * labelled.height).fill(1) });
    expect(await call('proposals.get', { id: labelled.id })).toBeNull();

    const job = await call<PredictAllJob>('project.predictAll', { model: 'default', only: 'all' });
    expect(job).toMatchObject({ state: 'running', model: modelDir });
    await settledPredictAll();
    const progress = events.filter((e) => e.name === 'predictAll.progress').map((e) => (e.payload as { job: PredictAllJob }).job);
    expect(progress.at(-1)).toMatchObject({ id: job.id, state: 'finished', done: 3, total: 3, report: { predicted: 3, failed: [] } });
    expect(progress.some((j) => j.state === 'running' && j.done === 1)).toBe(true);

    const after = (await call<{ items: ImageItem[] }>('images.list', {})).items;
    // Proposals are not revisions: the masks are as they were.
    expect(after.map((i) => i.maskRevision)).toEqual(items.map((i) => (i.id === labelled.id ? 1 : 0)));
    for (const item of after) {
      const proposal = (await call<Proposal | null>('proposals.get', { id: item.id }))!;
      expect(proposal).toMatchObject({ imageId: item.id, width: item.width, height: item.height, model: modelDir });
      expect(proposal.labels).toHaveLength(item.width * item.height);
      expect(proposal.uncertainty).toBeGreaterThanOrEqual(0);
      expect(proposal.uncertainty).toBeLessThanOrEqual(1);
      expect(item.uncertainty).toBe(proposal.uncertainty);
      expect(proposal.f1 === null).toBe(item.id !== labelled.id);
      // The labelled image's mask (all skin) against the proposal: a dispute in [0, 1], listed too.
      expect(proposal.dispute === null).toBe(item.id !== labelled.id);
      expect(item.disputed ?? null).toBe(proposal.dispute?.share ?? null);
    }
    const byUncertainty = (await call<{ items: ImageItem[] }>('images.list', { sort: 'uncertainty' })).items.map((i) => i.uncertainty!);
    expect(byUncertainty).toEqual([...byUncertainty].sort((a, b) => b - a));
    const byF1 = (await call<{ items: ImageItem[] }>('images.list', { sort: 'f1' })).items;
    expect(byF1[0]!.id).toBe(labelled.id);
    expect(byF1[0]!.proposalF1).not.toBeNull();
    const byDispute = (await call<{ items: ImageItem[] }>('images.list', { sort: 'disputed' })).items;
    expect(byDispute[0]!.id).toBe(labelled.id);
    expect(byDispute[0]!.disputed).toBeGreaterThanOrEqual(0);
    expect(byDispute[0]!.disputed).toBeLessThanOrEqual(1);
    expect(byDispute.slice(1).every((i) => i.disputed === null)).toBe(true);
  });

  it('project.setModel accepts default, and predictAll then uses it', async () => {
    const summary = await call<{ currentModel: string | null }>('project.setModel', { model: 'default' });
    expect(summary.currentModel).toBe('default');
    const job = await call<PredictAllJob>('project.predictAll', { only: 'unlabelled' });
    expect(job.model).toBe(modelDir);
    await settledPredictAll();
  });

  it('a second start while one runs is busy; a cancelled job keeps what it did', async () => {
    const first = await call<PredictAllJob>('project.predictAll', { only: 'all' });
    await expect(call('project.predictAll', { only: 'all' })).rejects.toMatchObject({ code: 'busy' });
    await call('project.predictAllCancel', { id: first.id });
    await settledPredictAll();
    const final = await call<PredictAllJob>('project.predictAllStatus', { id: first.id });
    expect(['cancelled', 'finished']).toContain(final.state);
  });
});

describe('facet predict', () => {
  it('pre-labels the unlabelled images of a project with the named model', async () => {
    const project = join(root, 'p');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'predict', '--project', project, '--model', 'default', '--only', 'unlabelled', '--no-progress'], { env: { ...process.env, FACET_DEFAULT_MODEL_DIR: modelDir } });
    expect(stdout).toContain(`model ${modelDir}`);
    expect(stdout).toMatch(/2 of 2 images \(unlabelled\) predicted as proposals/);
    const store = openStore(project);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM proposals').get() as { n: number }).n).toBe(3);
  });
});
