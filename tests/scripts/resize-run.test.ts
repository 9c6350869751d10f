// Progressive resizing of a run (scripts/resize-run.ts): a run trained one epoch at 32 px is
// rebuilt at 64 px with the same weights, and `runTraining` resumes it there; the history goes
// on, the best checkpoint is the one at the new size. Then the default-model exporter turns it
// into a model folder with a card that quotes the evaluation.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConfigSchema, type EvalReport } from '../../src-main/contract/training';
import { initEngine } from '../../src-main/engine/backend/index';
import { loadModelDir } from '../../src-main/engine/infer/model-dir';
import { runTraining } from '../../src-main/engine/train/loop';
import { RunFolder } from '../../src-main/engine/train/run-folder';
import { tf } from '../../src-main/engine/tf';
import { RESIZE_FILE, resizeRun } from '../../scripts/resize-run';
import { modelCard } from '../../scripts/train-default';
import { historySvg } from '../../scripts/plot-history';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';

describeWith([needsData()], 'resize-run + default-model card', () => {
  let dir = '';
  beforeAll(async () => {
    await initEngine();
    dir = await mkdtemp(join(os.tmpdir(), 'facet-resize-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('continues a 32 px run at 64 px with the same weights and a growing history', async () => {
    const config = runConfigSchema.parse({
      model: 'deeplabv3plus-mobilenetv1-face',
      inputSize: 32,
      epochs: 1,
      batchSize: 2,
      stepsPerEpoch: 1,
      optimizer: 'adam',
      lr: 1e-3,
      schedule: 'cosine',
      data: { kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 10 },
    });
    const source = await RunFolder.create(dir, config);
    await runTraining({ run: source, backend: 'test' });
    const target = await resizeRun({ source: source.dir, target: join(dir, 'runs', 'resized'), size: 64, epochs: 2 });
    const before = await loadModelDir(source.lastDir);
    const after = await loadModelDir(target.lastDir);
    expect(after.meta.inputSize).toBe(64);
    expect(after.model.inputs[0]!.shape).toEqual([null, 64, 64, 3]);
    const wb = before.model.getWeights();
    const wa = after.model.getWeights();
    expect(wa.length).toBe(wb.length);
    const maxDiff = tf.tidy(() => Math.max(...wb.map((w, i) => tf.max(tf.abs(tf.sub(w, wa[i]!))).dataSync()[0]!)));
    expect(maxDiff).toBe(0);
    before.model.dispose();
    after.model.dispose();
    expect(JSON.parse(await readFile(target.path(RESIZE_FILE), 'utf8'))).toMatchObject({ fromSize: 32, toSize: 64, afterEpoch: 1 });

    const summary = await runTraining({ run: target, resume: true, backend: 'test' });
    expect(summary.status).toBe('finished');
    expect(summary.best?.epoch).toBe(2);
    const history = await target.readHistory();
    expect(history.map((r) => r.epoch)).toEqual([1, 2]);
    const best = await loadModelDir(target.bestDir);
    expect(best.meta.inputSize).toBe(64);
    best.model.dispose();

    // The card quotes the evaluation's per-class figures and means, and the plot is numbers only.
    const report = JSON.parse(await readFile(target.path('eval.json'), 'utf8')) as EvalReport;
    const card = modelCard({
      config: await target.readConfig(),
      resized: { fromRun: source.dir, fromSize: 32, fromEpochs: 1, toSize: 64, afterEpoch: 1 },
      summary: (await target.readSummary())!,
      history,
      report,
      bytes: 1,
      note: null,
    });
    expect(card).toContain('non-commercial');
    expect(card).toContain(`Mean F1 over the 7 face parts: ${report.metrics.meanF1Face.toFixed(4)}`);
    for (const c of report.metrics.perClass.filter((k) => k.present)) expect(card).toContain(`| ${c.name} | ${c.precision.toFixed(4)} | ${c.recall.toFixed(4)} | ${c.f1.toFixed(4)} | ${c.iou.toFixed(4)} |`);
    expect(card).toContain('epochs 1-1 at 32x32');
    const svg = historySvg(history, { title: 't', marker: { epoch: 1.5, label: '32 → 64 px' } });
    expect(svg).toContain('<svg');
    expect(svg).not.toContain('<image');
  }, 300_000);
});
