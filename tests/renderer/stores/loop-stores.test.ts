/// <reference path="../../../src-renderer/env.d.ts" />
// Closing the loop from the GUI's stores: the run form's "Start from" (the fine-tune recipe from a
// model, its architecture taken from it, a time budget), "Improve the model" (before, fine-tune,
// after, per-class delta, use as current model) and the models panel (back to the bundled
// model, rename, delete).
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../src-main/contract/index';
import type { ProjectSummary } from '../../../src-main/contract/project';
import type { EvalReport, MetricsReport, RunConfig, RunDetail, RunSummary, TrainingOptions } from '../../../src-main/contract/training';
import { TRAINING_RECIPES } from '../../../src-main/contract/training';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { ApiError } from '../../../src-main/contract/errors';
import { useImproveStore } from '../../../src-renderer/stores/improve';
import { useModelsStore } from '../../../src-renderer/stores/models';
import { useProjectStore } from '../../../src-renderer/stores/project';
import { useRunFormStore } from '../../../src-renderer/stores/run-form';
import { useRunsStore } from '../../../src-renderer/stores/runs';
import { bundledName, isBundled, lineageChain, modelLabel } from '../../../src-renderer/lib/model-label';
import { usePredictAllStore } from '../../../src-renderer/stores/predict-all';
import { useGalleryStore } from '../../../src-renderer/stores/gallery';
import type { PredictAllJob } from '../../../src-main/contract/proposals';
import { installFakeHost, installLocalStorage, installScriptedApi, type ScriptedApi, type Script } from './fake-api';

let calls: ScriptedApi['calls'];
let host: ScriptedApi;

function install(script: Script): void {
  host = installScriptedApi(script);
  calls = host.calls;
}
function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
  host.emit(event, payload);
}
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
const callsOf = (method: string) => calls.filter((c) => c.method === method).map((c) => c.input);

const defaults = { ...({ model: 'unet', inputSize: 128, epochs: 30, batchSize: 8, stepsPerEpoch: 0, optimizer: 'sgd', lr: 0.1, warmup: 0, freezeBatchNorm: false, adaptBatchNorm: false, selectBy: 'meanF1Face', augment: { hflip: true } } as unknown as Omit<RunConfig, 'data'>) };
const options = (): TrainingOptions => ({ models: ['unet'], defaultModel: 'unet', recipes: TRAINING_RECIPES, defaults, projectData: {} as TrainingOptions['projectData'] });
let currentModel: string | null;
const summary = (): ProjectSummary => ({
  dir: '/p/faces',
  name: 'faces',
  imageCount: 4,
  byStatus: { unlabeled: 0, predicted: 0, 'in-progress': 0, done: 4, reviewed: 0 },
  bySplit: { train: 3, val: 1, test: 0, unassigned: 0 },
  currentModel,
});
function run(id: string, status: RunSummary['status']): RunSummary {
  return { id, dir: `/p/faces/runs/${id}`, status, model: 'unet', inputSize: 128, epochsPlanned: 10, epochsDone: 1, best: { epoch: 1, valMeanIoU: 0.5, valMeanF1Face: 0.6 }, createdAt: '', updatedAt: '', seconds: 3, backend: 'cpu', error: null, minutes: 3, lineage: null };
}
function report(model: string, f1s: number[]): EvalReport {
  const metrics: MetricsReport = {
    perClass: CLASS_NAMES.map((name, c) => ({ name, precision: 0, recall: 0, f1: f1s[c] ?? 0, iou: 0, support: 1, present: c !== 7 })),
    meanF1: 0,
    meanIoU: 0,
    meanF1Face: f1s.slice(1, 7).reduce((a, b) => a + b, 0) / 6,
    meanIoUFace: 0,
    pixelAccuracy: 0,
    confusion: [],
    pixels: 0,
  };
  return { model, split: 'val', images: 1, inputSize: 128, metrics, perImage: [], seconds: 1, backend: 'cpu' };
}

describe('run form: start from a model', () => {
  beforeEach(async () => {
    setActivePinia(createPinia());
    currentModel = null;
    install({ 'training.options': () => options(), 'runs.list': () => [run('r1', 'finished')], 'project.summary': () => summary(), 'runs.get': (i) => ({ summary: run(i.id, 'finished') }) as RunDetail });
    await useRunsStore().load();
  });

  it('preselects the finetune recipe from a model and sends init without model or size', () => {
    const draft = useRunFormStore();
    expect(draft.form.startFrom).toBe('random');
    draft.setStartFrom('default');
    expect(draft.form).toMatchObject({ preset: 'finetune', optimizer: 'adam', lr: 1e-4, freezeBatchNorm: true, batchSize: 4 });
    draft.form.minutes = 3;
    const config = draft.startConfig('/p/faces');
    expect(config).toMatchObject({ init: 'default', minutes: 3, optimizer: 'adam', freezeBatchNorm: true, data: { kind: 'project', dir: '/p/faces' } });
    expect(config).not.toHaveProperty('model');
    expect(config).not.toHaveProperty('inputSize');
    expect(config).not.toHaveProperty('epochs');
    // Another model keeps the recipe; random weights bring the original one back.
    draft.form.lr = 3e-4;
    draft.setStartFrom('r1');
    expect(draft.form.lr).toBe(3e-4);
    expect(draft.startConfig('/p/faces')).toMatchObject({ init: 'r1', adaptBatchNorm: false, selectBy: 'meanF1Face' });
    // BatchNorm adaptation is sent from a model only; the checkpoint rule always.
    draft.form.adaptBatchNorm = true;
    draft.form.selectBy = 'meanIoU';
    expect(draft.startConfig('/p/faces')).toMatchObject({ adaptBatchNorm: true, selectBy: 'meanIoU' });
    draft.setStartFrom('random');
    expect(draft.startConfig('/p/faces')).toMatchObject({ adaptBatchNorm: false, selectBy: 'meanIoU' });
    expect(draft.form).toMatchObject({ preset: 'original', optimizer: 'sgd', lr: 0.1 });
    draft.form.minutes = 0;
    const scratch = draft.startConfig('/p/faces');
    expect(scratch).toMatchObject({ model: 'unet', inputSize: 128, epochs: 30 });
    expect(scratch).not.toHaveProperty('init');
    expect(scratch).not.toHaveProperty('minutes');
  });
});

describe('improve the model', () => {
  let evalBusy: number;
  beforeEach(() => {
    setActivePinia(createPinia());
    currentModel = null;
    evalBusy = 0;
    install({
      'training.options': () => options(),
      'runs.list': () => [],
      'project.summary': () => summary(),
      'runs.start': () => run('ft1', 'running'),
      'runs.get': (i) => ({ summary: run(i.id, 'running'), config: {} as RunConfig, history: [], eval: null }),
      'eval.run': (i) => {
        if (i.model === 'ft1' && evalBusy-- > 0) throw new ApiError({ code: 'busy', message: 'run ft1 is training' });
        return i.model === 'ft1' ? report('ft1', [0.9, 0.8, 0.7, 0.9, 0.8, 0.7, 0.6, 0]) : report(i.model, [0.9, 0.7, 0.5, 0.8, 0.8, 0.6, 0.6, 0]);
      },
      'project.setModel': (i) => {
        currentModel = i.model;
        return summary();
      },
    });
  });

  it('evaluates the current model, fine-tunes it on the training set for the budget, evaluates the run and shows the per-class delta', async () => {
    const improve = useImproveStore();
    expect(improve.minutes).toBe(3);
    improve.minutes = 0.5;
    evalBusy = 2;
    await improve.start();
    expect(improve.phase).toBe('training');
    expect(callsOf('eval.run')[0]).toMatchObject({ model: 'default', split: 'val' });
    expect(callsOf('runs.start')[0]).toEqual({ config: { init: 'default', recipe: 'finetune', minutes: 0.5, data: { kind: 'project', dir: '/p/faces', onlyInTraining: true } } });
    expect(useRunsStore().selectedId).toBe('ft1');
    // Another run's end changes nothing; this one's brings the after-evaluation (waiting out `busy`).
    emit('run.status', { runId: 'x', summary: run('x', 'finished') });
    await settle();
    expect(improve.phase).toBe('training');
    emit('run.status', { runId: 'ft1', summary: run('ft1', 'finished') });
    await expect.poll(() => improve.phase, { timeout: 5000 }).toBe('done');
    expect(callsOf('eval.run').filter((i) => (i as { model: string }).model === 'ft1')).toHaveLength(3);
    const eyes = improve.deltas.find((d) => d.name === 'eyes')!;
    expect(eyes.before).toBeCloseTo(0.8);
    expect(eyes.after).toBeCloseTo(0.9);
    expect(eyes.delta).toBeCloseTo(0.1);
    expect(improve.deltas.find((d) => d.name === 'eyeglasses')).toMatchObject({ before: null, after: null, delta: null });
    expect(improve.deltas.at(-1)!.delta).toBeCloseTo((0.8 + 0.7 + 0.9 + 0.8 + 0.7 + 0.6 - (0.7 + 0.5 + 0.8 + 0.8 + 0.6 + 0.6)) / 6);
    await improve.useAsCurrent();
    expect(callsOf('project.setModel')).toEqual([{ model: 'ft1' }]);
    expect(improve.adopted).toBe(true);
  });

  it('improves the current run when there is one, and fine-tunes without a comparison when evaluating fails', async () => {
    currentModel = 'r7';
    install({
      'project.summary': () => summary(),
      'runs.start': () => run('ft2', 'running'),
      'runs.get': (i) => ({ summary: run(i.id, 'running'), config: {} as RunConfig, history: [], eval: null }),
      'eval.run': () => {
        throw new ApiError({ code: 'not_found', message: 'no labelled images in split val' });
      },
    });
    const improve = useImproveStore();
    await improve.start();
    expect(callsOf('runs.start')[0]).toMatchObject({ config: { init: 'r7' } });
    expect(improve.compareNote).toMatch(/no labelled images in split val/);
    emit('run.status', { runId: 'ft2', summary: run('ft2', 'failed') });
    await settle();
    expect(improve.phase).toBe('failed');
  });

  it('refuses a budget of 0 minutes without calling the host', async () => {
    const improve = useImproveStore();
    improve.minutes = 0;
    await improve.start();
    expect(improve.error).toMatch(/more than 0/);
    expect(calls).toEqual([]);
  });
});

describe('models panel', () => {
  let runs: RunSummary[];
  beforeEach(async () => {
    setActivePinia(createPinia());
    currentModel = 'r1';
    runs = [run('r1', 'finished'), run('r2', 'finished')];
    install({
      'training.options': () => options(),
      'runs.list': () => runs.slice(),
      'project.summary': () => summary(),
      'runs.get': (i) => ({ summary: run(i.id, 'finished'), config: {} as RunConfig, history: [], eval: null }),
      'models.bundled': () => [
        { name: 'default', installed: true, architecture: 'unet', inputSize: 256, tta: 'none', valMeanF1Face: 0.88, bytes: 1 },
        { name: 'accurate', installed: false, architecture: null, inputSize: null, tta: null, valMeanF1Face: null, bytes: null },
      ],
      'project.setModel': (i) => {
        currentModel = i.model;
        return summary();
      },
      'runs.rename': (i) => {
        if (runs.some((r) => r.id === i.name)) throw new ApiError({ code: 'conflict', field: 'name', message: `a run named ${i.name} exists already` });
        runs = runs.map((r) => (r.id === i.id ? run(i.name, 'finished') : r));
        if (currentModel === i.id) currentModel = i.name;
        return run(i.name, 'finished');
      },
      'runs.delete': (i) => {
        runs = runs.filter((r) => r.id !== i.id);
        return { deleted: i.id };
      },
    });
    await useRunsStore().load();
    await useProjectStore().load();
  });

  it('lists the bundled models as the host describes them and switches to the accurate one', async () => {
    const models = useModelsStore();
    await models.loadBundled();
    expect(models.bundled.map((m) => [m.name, m.installed])).toEqual([['default', true], ['accurate', false]]);
    await models.use('accurate');
    expect(callsOf('project.setModel')).toEqual([{ model: 'accurate' }]);
    expect(useRunsStore().currentModel).toBe('accurate');
  });

  it('switches back to the bundled model, renames and deletes runs', async () => {
    const models = useModelsStore();
    const runsStore = useRunsStore();
    expect(runsStore.currentModel).toBe('r1');
    await models.useBundled();
    expect(callsOf('project.setModel')).toEqual([{ model: 'default' }]);
    expect(runsStore.currentModel).toBe('default');
    expect(useProjectStore().summary?.currentModel).toBe('default');

    await models.openCard('r1');
    expect(await models.rename('r1', 'r2')).toBe(false);
    expect(models.error).toMatch(/exists already/);
    expect(await models.rename('r1', ' first ')).toBe(true);
    expect(callsOf('runs.rename').at(-1)).toEqual({ id: 'r1', name: 'first' });
    expect(runsStore.runs.map((r) => r.id)).toEqual(['first', 'r2']);
    expect(runsStore.selectedId).toBe('first');
    expect(models.cardId).toBe('first');

    expect(await models.remove('r2')).toBe(true);
    expect(runsStore.runs.map((r) => r.id)).toEqual(['first']);
  });

  it('names models as a person reads them', () => {
    expect(modelLabel(null)).toBe('bundled fast model');
    expect(modelLabel('default')).toBe('bundled fast model');
    expect(modelLabel('accurate')).toBe('bundled accurate model');
    expect(bundledName('accurate')).toBe('accurate');
    expect(bundledName(null)).toBe('default');
    expect(bundledName('accurate-ish')).toBeNull();
    expect(isBundled('accurate')).toBe(false);
    expect(modelLabel('20261202-x')).toBe('run 20261202-x');
    expect(modelLabel('/models/faces-v2/')).toBe('model faces-v2');
    const sha = 'a'.repeat(64);
    expect(lineageChain({ path: '/r/b', name: '/r/b', model: 'unet', inputSize: 64, weightsSha256: sha, runId: 'b', parent: { path: '/d', name: 'default', model: 'unet', inputSize: 64, weightsSha256: sha, runId: 'made-it', parent: null } })).toEqual([
      'run b (unet · 64 px · weights aaaaaaaa)',
      'bundled fast model (unet · 64 px · weights aaaaaaaa)',
    ]);
    expect(lineageChain(null)).toEqual([]);
  });
});

describe('predict all', () => {
  const job = (state: PredictAllJob['state'], done: number, total: number | null): PredictAllJob => ({ id: 'j1', state, done, total, model: '/m', report: null, error: null });
  beforeEach(() => {
    setActivePinia(createPinia());
    install({
      'project.predictAll': () => job('running', 0, null),
      'project.predictAllCancel': () => job('running', 3, 10),
    });
  });

  it('starts a job for the chosen images, follows its progress and cancels it', async () => {
    const p = usePredictAllStore();
    p.only = 'unreviewed';
    await p.start();
    expect(callsOf('project.predictAll')).toEqual([{ only: 'unreviewed' }]);
    expect(p.running).toBe(true);
    expect(p.fraction).toBe(0);
    emit('predictAll.progress', { job: job('running', 2, 8), name: 'b.jpg' });
    expect(p.fraction).toBe(0.25);
    expect(p.current).toBe('b.jpg');
    // Another job's news does not replace the one this tab runs.
    emit('predictAll.progress', { job: { ...job('running', 7, 8), id: 'other' }, name: 'x.jpg' });
    expect(p.job?.id).toBe('j1');
    await p.start();
    expect(callsOf('project.predictAll')).toHaveLength(1);
    await p.cancel();
    expect(callsOf('project.predictAllCancel')).toEqual([{ id: 'j1' }]);
    emit('predictAll.progress', { job: job('cancelled', 3, 8), name: null });
    expect(p.running).toBe(false);
    await p.cancel();
    expect(callsOf('project.predictAllCancel')).toHaveLength(1);
  });
});

describe('gallery order', () => {
  it('asks for the chosen active-learning order and starts over when it changes', async () => {
    installLocalStorage();
    const host = installFakeHost(5, 1, 1);
    setActivePinia(createPinia());
    const g = useGalleryStore();
    await g.reload();
    const lists = () => host.calls.filter((c) => c.method === 'images.list').map((c) => c.input as Record<string, unknown>);
    expect(lists()[0]).not.toHaveProperty('sort');
    g.sort = 'uncertainty';
    await expect.poll(() => lists().length).toBe(2);
    expect(lists()[1]).toMatchObject({ sort: 'uncertainty', offset: 0 });
    g.sort = 'f1';
    await expect.poll(() => lists().length).toBe(3);
    expect(lists()[2]).toMatchObject({ sort: 'f1' });
    // Select all still asks for ids under the filters only (images.ids takes no order).
    await g.selectAll();
    expect(host.calls.find((c) => c.method === 'images.ids')?.input).not.toHaveProperty('sort');
  });
});
