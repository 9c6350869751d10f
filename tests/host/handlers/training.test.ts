// The training API as the GUI calls it (router → handlers → engine worker): start a run on the
// open project, receive its events, list/get it, evaluate its checkpoint on a split, and typed
// errors for bad input.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventName } from '../../../src-main/contract/index';
import type { EvalReport, RunDetail, RunSummary } from '../../../src-main/contract/training';
import { createContext } from '../../../src-main/host/context';
import { handlers } from '../../../src-main/host/handlers/index';
import { trainingRuns } from '../../../src-main/host/handlers/training';
import { createRouter } from '../../../src-main/host/router';
import { closeStore } from '../../../src-main/dataset/store/store';
import { describeWith } from '../../helpers/describe-with';
import { needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';
import { linkedProject } from '../../engine/train/linked-project';

describeWith([needsData()], 'training API', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let project: string;
  const events: { name: EventName; payload: unknown }[] = [];

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-train-api-'));
    project = await linkedProject(root);
  });

  afterAll(async () => {
    closeStore(project);
    await cleanup?.();
  });

  it('runs a training from start to finish and evaluates it', async () => {
    const router = createRouter(handlers);
    const ctx = createContext({ projectDir: project, transport: 'server' }, (name, payload) => events.push({ name, payload }));
    const call = <T>(method: string, input: unknown) => router.dispatch(method, input, ctx) as Promise<T>;

    const options = await call<{ models: string[]; defaultModel: string }>('training.options', {});
    expect(options.models).toContain('unet');
    expect(options.defaultModel).toBe('deeplabv3plus-mobilenetv2');

    await expect(call('runs.start', { config: { model: 'segnet' } })).rejects.toMatchObject({ code: 'invalid_input' });
    const started = await call<RunSummary>('runs.start', {
      config: { model: 'unet', modelOptions: { widths: [8, 16] }, inputSize: 32, epochs: 2, batchSize: 4, optimizer: 'adam', lr: 0.01 },
    });
    expect(started.status).toBe('running');
    await expect(call('eval.run', { model: started.id })).rejects.toMatchObject({ code: 'busy' });
    await trainingRuns.settled(started.id);

    const names = new Set(events.map((e) => e.name));
    for (const n of ['run.batch', 'run.epoch', 'run.status'] as const) expect(names.has(n), n).toBe(true);
    const list = await call<RunSummary[]>('runs.list', {});
    expect(list[0]).toMatchObject({ id: started.id, status: 'finished', epochsDone: 2 });
    const detail = await call<RunDetail>('runs.get', { id: started.id });
    expect(detail.history).toHaveLength(2);
    expect(detail.config.data).toEqual(expect.objectContaining({ kind: 'project', dir: project }));

    const report = await call<EvalReport>('eval.run', { model: started.id, split: 'test' });
    expect(report.images).toBe(1);
    expect(report.metrics.perClass).toHaveLength(8);
    expect(events.some((e) => e.name === 'eval.progress')).toBe(true);
    await expect(call('runs.get', { id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('eval.run', { model: started.id, split: 'unassigned' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('starts a fine-tune from a run of the project by name, with a time budget and the finetune recipe', async () => {
    const router = createRouter(handlers);
    const ctx = createContext({ projectDir: project, transport: 'server' }, (name, payload) => events.push({ name, payload }));
    const call = <T>(method: string, input: unknown) => router.dispatch(method, input, ctx) as Promise<T>;
    const [base] = await call<RunSummary[]>('runs.list', {});
    await expect(call('runs.start', { config: { init: base!.id, inputSize: 33 } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/input size 33 must be a positive multiple/) });
    await expect(call('runs.start', { config: { init: base!.id, model: 'deeplabv3plus-mobilenetv2' } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/model deeplabv3plus-mobilenetv2 contradicts/) });
    const started = await call<RunSummary>('runs.start', { config: { init: base!.id, minutes: 0.02 } });
    await trainingRuns.settled(started.id);
    const detail = await call<RunDetail>('runs.get', { id: started.id });
    expect(detail.summary).toMatchObject({ status: 'finished', model: 'unet', inputSize: 32, minutes: 0.02 });
    expect(detail.config).toMatchObject({ init: base!.dir, minutes: 0.02, epochs: 10_000, optimizer: 'adam', lr: 1e-4, freezeBatchNorm: true });
    expect(detail.config.lineage).toMatchObject({ path: `${base!.dir}/checkpoints/best`, runId: base!.id, model: 'unet' });
    // An explicit field wins over the recipe's.
    const explicit = await call<RunSummary>('runs.start', { config: { init: base!.id, minutes: 0.01, lr: 0.003, freezeBatchNorm: false } });
    await trainingRuns.settled(explicit.id);
    expect((await call<RunDetail>('runs.get', { id: explicit.id })).config).toMatchObject({ lr: 0.003, freezeBatchNorm: false, warmup: 0.05 });
  });
});
