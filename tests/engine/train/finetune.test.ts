// Fine-tuning on real data with a tiny U-Net at 32 px: a run started from another run's model
// records its lineage and trains that model's weights, also at another input size; an
// architecture that contradicts it is refused; a time budget of seconds stops cleanly with best and last checkpoints, its learning
// rate warming up then decaying over the budget; frozen BatchNorm keeps the moving statistics; a
// project without validation images holds a share out and says so; a run's training manifest
// makes an evaluation on its own training images warn.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../src-main/contract/training';
import { importFolder } from '../../../src-main/dataset/import';
import { loadPreset } from '../../../src-main/dataset/presets/load';
import { openStore } from '../../../src-main/dataset/store/store';
import { initEngine } from '../../../src-main/engine/backend/index';
import { loadModelDir } from '../../../src-main/engine/infer/model-dir';
import { evaluateSaved } from '../../../src-main/engine/train/eval-run';
import { sha256File } from '../../../src-main/engine/train/init-model';
import { runTraining } from '../../../src-main/engine/train/loop';
import { createRun } from '../../../src-main/engine/train/new-run';
import { RunFolder } from '../../../src-main/engine/train/run-folder';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';

const TINY = { model: 'unet', modelOptions: { widths: [8, 16] }, inputSize: 32, batchSize: 4, optimizer: 'adam', lr: 0.01, seed: 3 } as const;

async function movingStats(dir: string): Promise<number[][]> {
  const { model } = await loadModelDir(dir);
  try {
    return await Promise.all(model.nonTrainableWeights.map(async (w) => Array.from(await w.read().data())));
  } finally {
    model.dispose();
  }
}

describeWith([needsData()], 'fine-tuning from a model', () => {
  let project: string;
  let cleanup: () => Promise<void>;
  let backend: string;
  let base: RunFolder;
  const folder = (limit = 10) => ({ kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit }) as const;
  const config = (extra: Partial<RunConfigInput>): RunConfig => runConfigSchema.parse({ ...TINY, epochs: 1, data: folder(), ...extra });

  beforeAll(async () => {
    backend = (await initEngine()).backend;
    ({ dir: project, cleanup } = await tempDir('facet-finetune-'));
    base = await createRun(project, config({ epochs: 1 }));
    expect((await runTraining({ run: base, backend, workers: 1 })).status).toBe('finished');
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('starts from a run folder: lineage in config.json, the weights are the run\'s best', async () => {
    const run = await createRun(project, config({ init: base.dir, epochs: 1, lr: 1e-9, freezeBatchNorm: true }));
    const saved = await run.readConfig();
    expect(saved.lineage).toMatchObject({ path: base.bestDir, name: base.dir, model: 'unet', inputSize: 32, runId: base.id, parent: null });
    expect(saved.lineage!.weightsSha256).toBe(await sha256File(join(base.bestDir, 'weights.bin')));
    const logs: string[] = [];
    await runTraining({ run, backend, workers: 1, callbacks: { log: (m) => logs.push(m) } });
    expect(logs.join('\n')).toContain(`starting from ${base.dir}`);
    // With a negligible rate and frozen statistics the fine-tune is its starting model.
    const before = (await base.readHistory())[0]!.val!;
    const after = (await run.readHistory())[0]!.val!;
    expect(after.meanIoU).toBeCloseTo(before.meanIoU, 3);
    // The starting model was scored first: the best checkpoint is epoch 0 unless an epoch beat it.
    expect(logs.join('\n')).toMatch(/starting model on validation: mean IoU [\d.]+/);
    const best = (await run.readSummary())!.best!;
    if (best.epoch === 0) expect(best.valMeanF1Face).toBeGreaterThanOrEqual(after.meanF1Face);
    // The checkpoint carries the lineage on, so a fine-tune of the fine-tune knows its grandparent.
    expect((await loadModelDir(run.bestDir)).meta.lineage).toMatchObject({ path: base.bestDir });
  });

  it('trains the model at another input size: its weights rebuilt there, the checkpoint at the new size', async () => {
    const run = await createRun(project, config({ init: base.dir, inputSize: 64, epochs: 1, lr: 1e-9, freezeBatchNorm: true }));
    expect((await run.readConfig()).lineage).toMatchObject({ path: base.bestDir, inputSize: 32 });
    const logs: string[] = [];
    await runTraining({ run, backend, workers: 1, callbacks: { log: (m) => logs.push(m) } });
    expect(logs.join('\n')).toContain('its weights rebuilt at 64px (trained at 32px)');
    const tuned = await loadModelDir(run.lastDir);
    const start = await loadModelDir(base.bestDir);
    try {
      expect(tuned.model.inputs[0]!.shape).toEqual([null, 64, 64, 3]);
      expect(tuned.meta.inputSize).toBe(64);
      // A negligible rate with frozen statistics: the weights are still the 32 px model's.
      const a = tuned.model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
      const b = start.model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
      a.forEach((values, i) => values.forEach((v, j) => expect(Math.abs(v - b[i]![j]!)).toBeLessThan(1e-5)));
    } finally {
      tuned.model.dispose();
      start.model.dispose();
    }
    await expect(createRun(project, config({ init: base.dir, inputSize: 33 }))).rejects.toThrow(/input size 33 must be a positive multiple of/);
  });

  it('refuses a model or model options that contradict the model to start from', async () => {
    await expect(createRun(project, config({ init: base.dir, modelOptions: { widths: [4, 8] } }))).rejects.toThrow(/modelOptions .* contradicts/);
    await expect(createRun(project, config({ init: join(project, 'nothing-here') }))).rejects.toThrow(/not found/);
  });

  it('frozen BatchNorm keeps the moving statistics; unfrozen, training moves them', async () => {
    const start = await movingStats(base.bestDir);
    for (const [freezeBatchNorm, workers] of [[true, 1], [true, 2], [false, 1]] as const) {
      const run = await createRun(project, config({ init: base.dir, epochs: 1, freezeBatchNorm }));
      await runTraining({ run, backend, workers });
      const stats = await movingStats(run.lastDir);
      if (freezeBatchNorm) expect(stats, `workers ${workers}`).toEqual(start);
      else expect(stats).not.toEqual(start);
    }
  });

  it('a time budget of seconds stops cleanly, keeping best and last, the rate warming up then decaying', async () => {
    const run = await createRun(project, config({ init: base.dir, minutes: 0.05, epochs: 10_000, schedule: 'cosine', warmup: 0.2, minLr: 0, earlyStopPatience: 0 }));
    const lrs: number[] = [];
    const logs: string[] = [];
    const summary = await runTraining({ run, backend, workers: 1, callbacks: { onBatch: (e) => lrs.push(e.lr), log: (m) => logs.push(m) } });
    expect(summary.status).toBe('finished');
    expect(summary.epochsDone).toBeLessThan(10_000);
    expect(summary.seconds).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(run.bestDir, 'model.json'))).toBe(true);
    expect(existsSync(join(run.lastDir, 'model.json'))).toBe(true);
    expect(logs.join('\n')).toMatch(/time budget of 0.05 min spent/);
    // Warm-up: the first batch starts low; then after the peak the rate only falls.
    expect(lrs[0]!).toBeLessThan(0.01);
    const peak = lrs.indexOf(Math.max(...lrs));
    for (let i = peak + 1; i < lrs.length; i++) expect(lrs[i]!).toBeLessThanOrEqual(lrs[i - 1]!);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(0.01);
  });

  it('a time budget works without init too', async () => {
    const run = await createRun(project, config({ minutes: 0.02, epochs: 10_000 }));
    const summary = await runTraining({ run, backend, workers: 1 });
    expect(summary.status).toBe('finished');
    expect(summary.best).not.toBeNull();
  });

  it('mixes in a replay set, and records its images in the training manifest', async () => {
    const replay = { data: { kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 20 }, share: 0.5 } as const;
    const run = await createRun(project, config({ init: base.dir, epochs: 1, data: folder(5), replay, augment: { rareOversample: 1 } }));
    const logs: string[] = [];
    const batches: number[] = [];
    await runTraining({ run, backend, workers: 1, callbacks: { log: (m) => logs.push(m), onBatch: (e) => batches.push(e.batches) } });
    expect(logs.join('\n')).toMatch(/replay: 16 images of .*, 50% of each epoch's draws/);
    // 4 own images + 4 replay draws, batch 4
    expect(batches[0]).toBe(2);
    const manifest = JSON.parse(readFileSync(run.path('training-manifest.json'), 'utf8')) as { images: { name: string }[] };
    expect(manifest.images).toHaveLength(4 + 16);
  });

  it('a project without validation images holds out 20% (at least 4) and says so', async () => {
    const source = join(project, 'source');
    mkdirSync(join(source, 'images'), { recursive: true });
    mkdirSync(join(source, 'masks'));
    const names = readdirSync(join(celebaDir(), 'images')).sort().slice(0, 10).map((f) => f.replace(/\.jpg$/, ''));
    for (const n of names) {
      symlinkSync(join(celebaDir(), 'images', `${n}.jpg`), join(source, 'images', `${n}.jpg`));
      symlinkSync(join(celebaDir(), 'masks', `${n}.png`), join(source, 'masks', `${n}.png`));
    }
    const small = join(project, 'small');
    await importFolder(openStore(small, { create: true }), { source, preset: loadPreset('celebamask-hq'), mode: 'link', fixedSplits: new Map(names.map((n) => [n, 'train'] as const)) });
    const run = await createRun(small, config({ init: base.dir, epochs: 1, data: { kind: 'project', dir: small } }));
    const held = (await run.readConfig()).heldOutVal!;
    expect(held).toHaveLength(4);
    // Deterministic: a second run holds out the same images.
    expect((await (await createRun(small, config({ epochs: 1, data: { kind: 'project', dir: small } }))).readConfig()).heldOutVal).toEqual(held);
    const logs: string[] = [];
    await runTraining({ run, backend, workers: 1, callbacks: { log: (m) => logs.push(m) } });
    expect(logs.join('\n')).toMatch(/data: .*: 6 train, 4 val/);
    expect(logs.join('\n')).toMatch(/no validation images in the data: 4 of the training images .* held out/);
    expect((await run.readHistory())[0]!.val).not.toBeNull();
    expect((await run.readEval())!.images).toBe(4);
    // Evaluating the run on its project again (as eval.run does) sees the same held-out images.
    const again = await evaluateSaved({ model: run.dir, data: runConfigSchema.shape.data.parse({ kind: 'project', dir: small }), split: 'val', backend });
    expect(again.perImage.map((p) => p.name).sort()).toEqual(held);
  });

  it('an evaluation on the model\'s (or its parent\'s) training images warns; on others it does not', async () => {
    const run = await createRun(project, config({ init: base.dir, epochs: 1, data: folder(5) }));
    await runTraining({ run, backend, workers: 1 });
    // The fine-tune trained on 4 of 5 images, its parent on 8 of 10: the first 10's train split overlaps fully.
    const onTrain = await evaluateSaved({ model: run.dir, data: runConfigSchema.shape.data.parse(folder()), split: 'train', backend });
    expect(onTrain.overlap).toMatchObject({ count: 8 });
    expect(onTrain.overlap!.manifest).toContain(run.dir);
    const onVal = await evaluateSaved({ model: base.dir, split: 'val', backend });
    expect(onVal.overlap).toMatchObject({ count: 0, names: [] });
  });
});
