// The host's run manager (behind runs.start/stop/resume/list/get): one run at a time, per-batch
// and per-epoch events, stop keeps a resumable run, a resumed run finishes, list and detail read
// the run folders.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobs } from '../../../src-main/engine/jobs/index';
import { runConfigSchema, type RunBatchEvent, type RunEpochEvent, type RunSummary } from '../../../src-main/contract/training';
import { initEngine } from '../../../src-main/engine/backend/index';
import { RunManager, type RunListener } from '../../../src-main/engine/train/manager';
import { RunBusyError, RunNotFoundError } from '../../../src-main/engine/train/run-errors';
import { runTrainInWorker } from '../../../src-main/engine/jobs/train-in-worker';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';

it('the engine worker knows the training and evaluation jobs', () => {
  expect(jobs.map((j) => j.name)).toEqual(expect.arrayContaining(['train.run', 'eval.run']));
});

describeWith([needsData()], 'run manager', () => {
  let project: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    await initEngine();
    ({ dir: project, cleanup } = await tempDir('facet-manager-'));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('starts, reports, stops, resumes and lists a run', async () => {
    // As the API host runs it: training in the engine worker thread.
    const manager = new RunManager(runTrainInWorker);
    const batches: RunBatchEvent[] = [];
    const epochs: RunEpochEvent[] = [];
    const statuses: RunSummary[] = [];
    let stopAsked: Promise<RunSummary> | null = null;
    const listener: RunListener = {
      onBatch: (e) => {
        batches.push(e);
        if (e.epoch === 2 && !stopAsked) stopAsked = manager.stop(project, e.runId);
      },
      onEpoch: (e) => epochs.push(e),
      onStatus: (_id, s) => statuses.push(s),
      onLog: () => undefined,
    };
    const config = runConfigSchema.parse({
      model: 'unet', modelOptions: { widths: [8, 16] }, inputSize: 32, epochs: 3, batchSize: 4, optimizer: 'adam', lr: 0.01,
      data: { kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 10 },
    });
    const started = await manager.start(project, config, listener);
    expect(started.status).toBe('running');
    await expect(manager.start(project, config, listener)).rejects.toBeInstanceOf(RunBusyError);
    await manager.settled(started.id);

    expect((await stopAsked!).status).toBe('stopping');
    expect(statuses.at(-1)!.status).toBe('stopped');
    expect(epochs.map((e) => e.record.epoch)).toEqual([1]);
    expect(epochs[0]!.isBest).toBe(true);
    expect(batches[0]).toMatchObject({ runId: started.id, epoch: 1, batch: 1 });
    expect(batches[0]!.batches).toBeGreaterThanOrEqual(2);
    expect(batches[0]!.etaSeconds).toBeGreaterThan(0);

    const resumed = await manager.resume(project, started.id, listener);
    expect(resumed.status).toBe('running');
    await manager.settled(started.id);
    expect(epochs.map((e) => e.record.epoch)).toEqual([1, 2, 3]);

    const [listed] = await manager.list(project);
    expect(listed).toMatchObject({ id: started.id, status: 'finished', epochsDone: 3 });
    const detail = await manager.detail(project, started.id);
    expect(detail.history).toHaveLength(3);
    expect(detail.config).toEqual(config);
    expect(detail.eval?.split).toBe('val');
    await expect(manager.detail(project, 'nope')).rejects.toBeInstanceOf(RunNotFoundError);
  });
});
