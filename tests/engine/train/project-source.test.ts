// Training and evaluation on a project (the studio's own store): the splits and statuses choose
// the images, masks come from their current revision, and eval can pick any split.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/training';
import { openDataSource } from '../../../src-main/dataset/loader';
import { closeStore } from '../../../src-main/dataset/store/store';
import { initEngine } from '../../../src-main/engine/backend/index';
import { evaluateSaved } from '../../../src-main/engine/train/eval-run';
import { runTraining } from '../../../src-main/engine/train/loop';
import { RunFolder } from '../../../src-main/engine/train/run-folder';
import { describeWith } from '../../helpers/describe-with';
import { needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';
import { linkedProject } from './linked-project';

describeWith([needsData()], 'training on a project', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let project: string;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-project-train-'));
    project = await linkedProject(root);
    await initEngine();
  });

  afterAll(async () => {
    closeStore(project);
    await cleanup?.();
  });

  it('reads the splits and statuses of the store', async () => {
    const splits = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'project', dir: project }));
    expect([splits.train.length, splits.val.length, splits.test.length]).toEqual([7, 2, 1]);
    expect(splits.train.every((i) => typeof i.imageId === 'number')).toBe(true);
    const none = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'project', dir: project, statuses: ['reviewed'] }));
    expect(none.train).toHaveLength(0);
  });

  it('trains a run under the project and evaluates its checkpoint on another split', async () => {
    const config = runConfigSchema.parse({
      model: 'unet', modelOptions: { widths: [8, 16] }, inputSize: 32, epochs: 1, batchSize: 4, optimizer: 'adam', lr: 0.01,
      data: { kind: 'project', dir: project },
    });
    const run = await RunFolder.create(project, config);
    expect(run.dir.startsWith(join(project, 'runs'))).toBe(true);
    const summary = await runTraining({ run, backend: 'test' });
    expect(summary.status).toBe('finished');
    const test = await evaluateSaved({ model: run.dir, split: 'test', backend: 'test' });
    expect(test.images).toBe(1);
    expect(test.perImage[0]!.imageId).toEqual(expect.any(Number));
    await expect(evaluateSaved({ model: run.dir, split: 'unassigned', backend: 'test' })).rejects.toThrow(/no labelled images in the unassigned split/);
  });
});
