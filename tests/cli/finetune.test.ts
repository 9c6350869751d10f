// `facet train --init` and `--minutes` as a user runs them, and what `facet eval` then says: the
// model's lineage, and a warning when the evaluated photos are among its training photos.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunFolder } from '../../src-main/engine/train/run-folder';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const facet = (args: string[]) => run(process.execPath, [bin, ...args], { maxBuffer: 32 * 1024 * 1024 });

describeWith([needsData()], 'facet train --init / --minutes, then eval', () => {
  let project: string;
  let cleanup: () => Promise<void>;
  let base: string;
  const data = () => ['--data', celebaDir(), '--preset', 'celebamask-hq', '--limit', '10', '--no-progress', '--workers', '1'];
  const runs = () => readdirSync(join(project, 'runs')).sort();

  beforeAll(async () => {
    ({ dir: project, cleanup } = await tempDir('facet-cli-finetune-'));
    await facet(['train', '--model', 'unet', '--widths', '8,16', '--size', '32', '--epochs', '1', '--batch', '4', '--project', project, ...data()]);
    base = join(project, 'runs', runs()[0]!);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('--init takes the model and size from the run, and --minutes stops when the budget is spent', async () => {
    const { stdout } = await facet(['train', '--init', base, '--minutes', '0.04', '--project', project, ...data()]);
    expect(stdout).toContain('model unet at 32px');
    expect(stdout).toContain(`from ${base}`);
    expect(stdout).toMatch(/time budget of 0.04 min spent/);
    expect(stdout).toMatch(/finished: \d+ epochs \(budget 0.04 min\)/);
    const tuned = new RunFolder(join(project, 'runs', runs().at(-1)!));
    const config = await tuned.readConfig();
    // The finetune recipe is the default with --init.
    expect(config).toMatchObject({ init: base, minutes: 0.04, optimizer: 'adam', lr: 1e-4, freezeBatchNorm: true, lineage: { path: join(base, 'checkpoints', 'best') } });
    expect(config.augment).toMatchObject({ grayscale: 0.2, blur: 0.2, jpeg: 0.3 });
  });

  it('a model that contradicts the --init model, or a size the model cannot take, is an error that says so, before any run folder', async () => {
    const before = runs();
    await expect(facet(['train', '--init', base, '--size', '33', '--project', project, ...data()])).rejects.toMatchObject({ stderr: expect.stringMatching(/input size 33 must be a positive multiple of/) });
    await expect(facet(['train', '--init', base, '--model', 'deeplabv3plus-mobilenetv2', '--project', project, ...data()])).rejects.toMatchObject({ stderr: expect.stringMatching(/model deeplabv3plus-mobilenetv2 contradicts/) });
    expect(runs()).toEqual(before);
  });

  it('eval shows the lineage and warns about training photos among the evaluated', async () => {
    const tuned = join(project, 'runs', runs().at(-1)!);
    const { stdout, stderr } = await facet(['eval', '--model', tuned, '--data', celebaDir(), '--preset', 'celebamask-hq', '--split', 'train']);
    expect(stdout).toContain(`started from: ${base}`);
    expect(stdout).toMatch(/WARNING: \d+ of the \d+ evaluated images are among the model's training images/);
    expect(stderr).toMatch(/WARNING/);
    const onVal = await facet(['eval', '--model', base, '--split', 'val']);
    expect(onVal.stdout).toMatch(/training images: none of the 2 evaluated images/);
    expect(onVal.stdout).toContain('started from: random weights');
  });
});
