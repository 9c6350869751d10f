// The bundled model's card for a second edition: edition 1's commands and curves, then the
// stage-3 command exactly as its run was configured, and the figures as eval printed them.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type EpochRecord, type EvalReport, type RunSummary } from '../../src-main/contract/training';
import { ACCURATE, modelCard, RECIPE, stage3Flags } from '../../scripts/train-default';

const BUNDLED = join(import.meta.dirname, '..', '..', 'resources', 'models', 'default');

describe('train-default model card', () => {
  it('describes a second edition: both editions, the stage-3 flags, both curves', async () => {
    const report = JSON.parse(await readFile(join(BUNDLED, 'eval-val.json'), 'utf8')) as EvalReport;
    const parentHistory = JSON.parse(await readFile(join(BUNDLED, historyFile(BUNDLED)), 'utf8')) as EpochRecord[];
    const s3 = RECIPE.stage3;
    const config = runConfigSchema.parse({
      model: RECIPE.model,
      inputSize: 256,
      epochs: 3,
      batchSize: RECIPE.batch,
      stepsPerEpoch: RECIPE.steps,
      optimizer: 'adam',
      lr: s3.lr,
      schedule: 'cosine',
      warmup: s3.warmup,
      freezeBatchNorm: false,
      seed: s3.seed,
      augment: s3.augment,
      init: 'default',
      lineage: { path: BUNDLED, name: 'default', model: RECIPE.model, inputSize: 256, weightsSha256: 'ab'.repeat(32), runId: 'edition-1', parent: null },
      data: { kind: 'folder', dir: '/data', preset: 'celebamask-hq' },
    });
    const history = parentHistory.slice(-3).map((r, i) => ({ ...r, epoch: i + 1 }));
    const summary = { status: 'finished', best: { epoch: 2, valMeanIoU: 0.8, valMeanF1Face: 0.88 } } as unknown as RunSummary;
    const card = modelCard({ config, resized: null, parent: { history: parentHistory, runId: 'edition-1', bestMeanF1Face: 0.8795 }, summary, history, report, bytes: 1, note: null });

    expect(card).toContain('**Second edition.**');
    expect(card).toContain(`--size ${RECIPE.stage1.size}`);
    const flags = stage3Flags({ recipe: RECIPE.recipe, lr: s3.lr, warmup: s3.warmup, freezeBatchNorm: false, epochs: 3, steps: RECIPE.steps, batch: RECIPE.batch, seed: s3.seed, augment: s3.augment });
    expect(card).toContain(`facet train --init RUN-256px --data DATA --preset celebamask-hq ${flags.join(' ')}`);
    expect(flags).toEqual(expect.arrayContaining(['--glasses-paste', String(s3.augment.glassesPaste), '--no-freeze-bn']));
    expect(card).toContain('eyeglasses pasted from another image 15%');
    expect(card).toContain('by val mean F1 over the face parts');
    // Edition 1's rows (1.x), then this run's (2.x), and the figures of the evaluation.
    expect(card).toContain(`| 1.${parentHistory.length} |`);
    expect(card).toContain('| 2.3 |');
    expect(card).toContain(`Mean F1 over the 7 face parts: ${report.metrics.meanF1Face.toFixed(4)}`);
  });

  it('describes the accurate model: stages 1-3 are the fast model, stage 4 at 320 px, the flip on', async () => {
    const report = JSON.parse(await readFile(join(BUNDLED, 'eval-val.json'), 'utf8')) as EvalReport;
    const editionOne = JSON.parse(await readFile(join(BUNDLED, historyFile(BUNDLED)), 'utf8')) as EpochRecord[];
    const editionTwo = editionOne.slice(0, 4);
    const config = runConfigSchema.parse({
      model: RECIPE.model, inputSize: ACCURATE.size, epochs: 2, batchSize: RECIPE.batch, stepsPerEpoch: RECIPE.steps, optimizer: 'adam', lr: ACCURATE.lr, schedule: 'cosine',
      warmup: ACCURATE.warmup, freezeBatchNorm: false, seed: ACCURATE.seed, augment: ACCURATE.augment, init: BUNDLED,
      lineage: { path: BUNDLED, name: BUNDLED, model: RECIPE.model, inputSize: 256, weightsSha256: 'cd'.repeat(32), runId: 'edition-2', parent: null },
      data: { kind: 'folder', dir: '/data', preset: 'celebamask-hq' },
    });
    const history = editionTwo.slice(0, 2).map((r, i) => ({ ...r, epoch: i + 1 }));
    const summary = { status: 'finished', best: { epoch: 1, valMeanIoU: 0.8, valMeanF1Face: 0.89 } } as unknown as RunSummary;
    const card = modelCard({ config, resized: null, parent: { history: editionTwo, runId: 'edition-2', bestMeanF1Face: 0.8861 }, grandparent: editionOne, kind: 'accurate', summary, history, report, bytes: 1, note: null });

    expect(card).toMatch(/^# Facet accurate model/);
    expect(card).toContain('**Stages 1-3 are the bundled fast model**');
    expect(card).toContain(`facet train --init resources/models/default --size ${ACCURATE.size} --data DATA --preset celebamask-hq --recipe ${RECIPE.recipe} --lr ${ACCURATE.lr}`);
    expect(card).toContain('"tta": "flip"');
    expect(card).toContain('`facet eval --json --flip`');
    // Edition 1 (1.x), edition 2 (2.x) at 256 px, this run (3.x) at 320 px.
    expect(card).toContain(`| 1.${editionOne.length} |`);
    expect(card).toContain('| 2.4 | 256 |');
    expect(card).toContain(`| 3.2 | ${ACCURATE.size} |`);
    expect(card).not.toContain('**Second edition.**');
  });
});

/** The bundled folder's edition-1 history: parent-history.json once a second edition ships. */
function historyFile(dir: string): string {
  return existsSync(join(dir, 'parent-history.json')) ? 'parent-history.json' : 'history.json';
}
