// `facet train` and `facet eval` as a user runs them: help lists the models, a bad model name
// fails with the valid ones, a short run on a labelled folder read in place writes its run folder
// under the project, and `eval --json` of that run reproduces the metrics it logged.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src-main/contract/training';
import { RunFolder } from '../../src-main/engine/train/run-folder';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const facet = (args: string[]) => run(process.execPath, [bin, ...args], { maxBuffer: 32 * 1024 * 1024 });

describe('facet train/eval options', () => {
  it('train --help lists the registered models', async () => {
    const { stdout } = await facet(['train', '--help']);
    for (const name of ['deeplabv3plus-mobilenetv2', 'deeplabv3plus-efficientnetb0', 'pspnet-resnet50', 'unet']) expect(stdout).toContain(name);
    expect(stdout).toContain('--data <dir>');
  });

  it('an unknown model fails with the valid names, before any run folder exists', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await expect(facet(['train', '--model', 'segnet', '--project', dir, '--data', dir, '--preset', 'celebamask-hq'])).rejects.toMatchObject({
        stderr: expect.stringMatching(/unknown model "segnet"; valid: .*unet/),
      });
      expect(existsSync(join(dir, 'runs'))).toBe(false);
    } finally {
      await cleanup();
    }
  });

  it('a folder that is not a project fails saying so, leaving no run behind', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await expect(facet(['train', '--model', 'unet', '--project', dir])).rejects.toMatchObject({ stderr: expect.stringContaining('not a Facet project') });
      expect(existsSync(join(dir, 'runs'))).toBe(false);
    } finally {
      await cleanup();
    }
  });

  it('--data without --preset is refused', async () => {
    await expect(facet(['train', '--data', '/tmp'])).rejects.toMatchObject({ stderr: expect.stringContaining('--data and --preset go together') });
  });
});

describeWith([needsData()], 'facet train then eval on a labelled folder', () => {
  let project: string;
  let cleanup: () => Promise<void>;
  let runDir: string;
  let trainOut: string;

  beforeAll(async () => {
    ({ dir: project, cleanup } = await tempDir('facet-cli-train-'));
    const { stdout } = await facet([
      'train', '--model', 'unet', '--widths', '8,16', '--size', '32', '--epochs', '2', '--batch', '4',
      '--optimizer', 'adam', '--lr', '0.01', '--project', project, '--data', celebaDir(), '--preset', 'celebamask-hq', '--limit', '10', '--no-progress',
    ]);
    trainOut = stdout;
    const runs = readdirSync(join(project, 'runs'));
    expect(runs).toHaveLength(1);
    runDir = join(project, 'runs', runs[0]!);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('trains, printing each epoch, into <project>/runs/<id>', async () => {
    expect(trainOut).toMatch(/epoch 1: loss [\d.]+ val_loss [\d.]+/);
    expect(trainOut).toMatch(/finished: 2\/2 epochs/);
    const r = new RunFolder(runDir);
    expect((await r.readHistory()).map((h) => h.epoch)).toEqual([1, 2]);
    expect(existsSync(join(r.bestDir, 'model.json'))).toBe(true);
    expect((await r.readConfig()).data).toMatchObject({ kind: 'folder', preset: 'celebamask-hq', limit: 10 });
    // The run's lock was held while training and let go at the end.
    expect(existsSync(join(runDir, 'train.lock'))).toBe(false);
  });

  it('eval --json of the run reproduces the logged metrics of its best epoch', async () => {
    const r = new RunFolder(runDir);
    const best = (await r.readSummary())!.best!;
    const logged = (await r.readHistory())[best.epoch - 1]!.val!;
    const { stdout } = await facet(['eval', '--model', runDir, '--split', 'val', '--json']);
    const report = JSON.parse(stdout) as EvalReport;
    expect(report.images).toBe(2);
    expect(report.metrics.confusion).toEqual(logged.confusion);
    expect(report.metrics.meanF1Face).toBe(logged.meanF1Face);
    expect(report.metrics.perClass.map((c) => c.name)).toEqual(['background', 'skin', 'eyebrows', 'eyes', 'nose', 'mouth', 'ears', 'eyeglasses']);
  });

  it('eval prints a per-class table and the confusion matrix', async () => {
    const { stdout } = await facet(['eval', '--model', join(runDir, 'checkpoints', 'last'), '--data', celebaDir(), '--preset', 'celebamask-hq', '--split', 'val']);
    expect(stdout).toMatch(/skin\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
    expect(stdout).toContain('mean over face parts');
    expect(stdout).toContain('confusion (rows truth, columns predicted)');
  });
});
