// Training runs on real data (8 train / 2 val images, a tiny U-Net at 32 px): a run writes a
// complete folder; a run stopped mid-epoch and resumed gives exactly the uninterrupted history
// (which also shows same seed + data → same history); evaluating the best checkpoint reproduces
// the metrics the run logged for that epoch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConfigSchema, type EpochRecord, type EvalReport, type RunConfig } from '../../../src-main/contract/training';
import { initEngine } from '../../../src-main/engine/backend/index';
import { tf } from '../../../src-main/engine/tf';
import { evaluateSaved } from '../../../src-main/engine/train/eval-run';
import { runTraining } from '../../../src-main/engine/train/loop';
import { RunFolder } from '../../../src-main/engine/train/run-folder';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';

const withoutTime = (h: EpochRecord[]) => h.map(({ seconds: _s, ...rest }) => rest);

describeWith([needsData()], 'training runs', () => {
  let project: string;
  let cleanup: () => Promise<void>;
  let config: RunConfig;
  let backend: string;
  let reference: RunFolder;

  beforeAll(async () => {
    backend = (await initEngine()).backend;
    ({ dir: project, cleanup } = await tempDir('facet-runs-'));
    config = runConfigSchema.parse({
      model: 'unet',
      modelOptions: { widths: [8, 16] },
      inputSize: 32,
      epochs: 3,
      batchSize: 4,
      optimizer: 'adam',
      lr: 0.01,
      // Patience 1 makes the schedule state matter for the resume check.
      schedule: 'plateau',
      plateauPatience: 1,
      seed: 11,
      data: { kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 10 },
    });
    reference = await RunFolder.create(project, config);
    const before = tf.memory().numTensors;
    const summary = await runTraining({ run: reference, backend });
    expect(summary.status).toBe('finished');
    expect(tf.memory().numTensors).toBe(before);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('writes a complete run folder', async () => {
    const dir = reference.dir;
    for (const f of ['config.json', 'status.json', 'history.json', 'history.csv', 'eval.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    for (const f of ['model.json', 'weights.bin', 'facet-model.json']) {
      expect(existsSync(join(reference.bestDir, f)), `best/${f}`).toBe(true);
      expect(existsSync(join(reference.lastDir, f)), `last/${f}`).toBe(true);
    }
    expect(existsSync(join(reference.lastDir, 'train-state.json'))).toBe(true);
    expect(await reference.readConfig()).toEqual(config);
    const history = await reference.readHistory();
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    for (const h of history) {
      expect(h.loss).toBeGreaterThan(0);
      expect(h.valLoss).not.toBeNull();
      expect(h.seconds).toBeGreaterThan(0);
      expect(h.val!.perClass).toHaveLength(8);
      expect(h.val!.confusion).toHaveLength(8);
    }
    expect(history[0]!.lr).toBe(0.01);
    const csv = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toContain('val_f1_eyeglasses');
    const summary = await reference.readSummary();
    expect(summary).toMatchObject({ status: 'finished', epochsDone: 3, epochsPlanned: 3, backend });
    const bestEpoch = summary!.best!.epoch;
    // The best checkpoint is the first epoch with the highest val mean F1 over the face parts (selectBy's default).
    expect(config.selectBy).toBe('meanF1Face');
    const f1s = history.map((h) => h.val!.meanF1Face);
    expect(bestEpoch).toBe(f1s.indexOf(Math.max(...f1s)) + 1);
    expect(summary!.best!.valMeanF1Face).toBe(Math.max(...f1s));
    expect(summary!.best!.valMeanIoU).toBe(history[bestEpoch - 1]!.val!.meanIoU);
  });

  it('evaluating the best checkpoint reproduces the metrics logged for its epoch', async () => {
    const summary = (await reference.readSummary())!;
    const logged = (await reference.readHistory())[summary.best!.epoch - 1]!.val!;
    const saved = JSON.parse(readFileSync(reference.path('eval.json'), 'utf8')) as EvalReport;
    const fresh = await evaluateSaved({ model: reference.dir, split: 'val', backend });
    for (const report of [saved, fresh]) {
      expect(report.metrics.confusion).toEqual(logged.confusion);
      expect(report.metrics.meanIoU).toBe(logged.meanIoU);
      expect(report.metrics.meanF1Face).toBe(logged.meanF1Face);
      expect(report.images).toBe(2);
      expect(report.perImage).toHaveLength(2);
    }
  });

  it('a run stopped mid-epoch resumes to the same history as an uninterrupted run', async () => {
    const run = await RunFolder.create(project, config, new Date(Date.now() + 1000));
    const controller = new AbortController();
    const stopped = await runTraining({
      run,
      backend,
      signal: controller.signal,
      callbacks: { onBatch: (e) => e.epoch === 2 && e.batch === 1 && controller.abort() },
    });
    expect(stopped.status).toBe('stopped');
    expect((await run.readHistory()).map((h) => h.epoch)).toEqual([1]);
    const resumed = await runTraining({ run, backend, resume: true });
    expect(resumed.status).toBe('finished');
    const history = await run.readHistory();
    expect(withoutTime(history)).toEqual(withoutTime(await reference.readHistory()));
    // The run's time adds up over its stretches: the stopped stretch (its finished epoch and the
    // part of epoch 2 it threw away) plus the epochs of the resumed one.
    const resumedStretch = history.filter((h) => h.epoch >= 2).reduce((sum, h) => sum + h.seconds, 0);
    expect(stopped.seconds).toBeGreaterThan(history[0]!.seconds);
    expect(resumed.seconds).toBeCloseTo(stopped.seconds + resumedStretch, 2);
  });
});
