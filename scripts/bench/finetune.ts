// Benchmark of the fine-tuning loop on constructed domain shifts: for each shift, the bundled
// model's mean F1 over the face parts on shifted photos before fine-tuning, after fine-tuning on
// 40 shifted photos for each time budget (each from the bundled model, with the `finetune`
// recipe), and on untouched CelebAMask-HQ validation photos after (forgetting).
//
// Which photos: the bundled model was trained on the train split of celebamask-hq-800 (sorted,
// every 5th to val) and picked by its val split. Fine-tuning trains only on train-split photos
// (shifted); the shifted test photos and the untouched "forgetting" photos are val-split photos,
// used for scoring only, never for training.
//
// Shifts (at the model's 256 px): gray-jpeg (grayscale + JPEG quality 12), rot-lowres (rotation
// 20-35° either way, photo and mask alike, + 4x down and up again), ears-skin (a labelling
// convention: ears painted as skin; photos untouched).
//
//   npm run bench:finetune -- [--minutes 3,6,12] [--shifts gray-jpeg,rot-lowres,ears-skin]
//     [--images 40] [--test 40] [--forget 40] [--override '{"freezeBatchNorm":false}'] [--json]
//     [--epochs-per-minute R]
//
// --epochs-per-minute turns each budget into a fixed number of epochs (R x minutes) instead of a
// clock: the same training a quiet machine fits in the budget, for a machine shared with other work
// (the clock would give each variant whatever the other work left it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runConfigSchema, withRecipe, type RunConfigInput } from '../../src-main/contract/training';
import { openDataSource } from '../../src-main/dataset/loader';
import { initEngine } from '../../src-main/engine/backend/index';
import { readModelMeta } from '../../src-main/engine/infer/model-dir';
import { defaultModelDir } from '../../src-main/engine/infer/model-folder';
import { runTraining } from '../../src-main/engine/train/loop';
import { loadAt, score, SHIFTS, writeFolder } from './shifts';
import { createRun } from '../../src-main/engine/train/new-run';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3,6,12' },
    shifts: { type: 'string', default: 'gray-jpeg,rot-lowres,ears-skin' },
    images: { type: 'string', default: '40' },
    test: { type: 'string', default: '40' },
    forget: { type: 'string', default: '40' },
    data: { type: 'string' },
    override: { type: 'string' },
    'epochs-per-minute': { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const budgets = values.minutes.split(',').map(Number);
if (budgets.some((m) => !Number.isFinite(m) || m <= 0)) throw new Error(`--minutes: not a list of positive numbers: ${values.minutes}`);
const count = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2) throw new Error(`--${name}: not a whole number ≥ 2: ${v}`);
  return n;
};
const nTrain = count('images', values.images);
const nTest = count('test', values.test);
const nForget = count('forget', values.forget);
const epochsPerMinute = values['epochs-per-minute'] === undefined ? null : Number(values['epochs-per-minute']);
if (epochsPerMinute !== null && !(epochsPerMinute > 0)) throw new Error(`--epochs-per-minute: not a positive number: ${values['epochs-per-minute']}`);
const override = values.override ? (JSON.parse(values.override) as Partial<RunConfigInput>) : {};
const dataDir = resolve(values.data ?? resolve(ROOT, '..', 'shared', 'data', 'celebamask-hq-800'));

const engine = await initEngine();
const bundled = defaultModelDir();
const meta = await readModelMeta(bundled);
const size = meta.inputSize;
const source = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'folder', dir: dataDir, preset: 'celebamask-hq' }));
if (source.train.length < nTrain || source.val.length < nTest + nForget) throw new Error(`${dataDir}: too few photos for ${nTrain} train, ${nTest} + ${nForget} val`);
const work = await mkdtemp(join(tmpdir(), 'facet-bench-finetune-'));
const log = (m: string): void => void (values.json ? process.stderr : process.stdout).write(`${m}\n`);
log(`bundled model ${bundled} (${meta.model} at ${size}px), backend ${engine.backend}; budgets ${budgets.join(', ')} min${epochsPerMinute === null ? '' : ` as ${epochsPerMinute} epochs per minute`}; ${nTrain} fine-tune photos (train split), ${nTest} shifted test + ${nForget} untouched photos (val split, scoring only)`);

const results: { shift: string; describe: string; before: number; forgetBefore: number; after: { minutes: number; f1: number; forget: number; epochs: number; seconds: number }[] }[] = [];
try {
  const trainSamples = await loadAt(source.train.slice(0, nTrain), size);
  const testSamples = await loadAt(source.val.slice(0, nTest), size);
  const forgetDir = await writeFolder(join(work, 'untouched'), await loadAt(source.val.slice(nTest, nTest + nForget), size), size, null);
  const forgetBefore = await score(bundled, forgetDir);
  for (const name of values.shifts.split(',')) {
    const shift = SHIFTS[name];
    if (!shift) throw new Error(`unknown shift ${name}; known: ${Object.keys(SHIFTS).join(', ')}`);
    const trainDir = await writeFolder(join(work, name, 'train'), trainSamples, size, shift);
    const testDir = await writeFolder(join(work, name, 'test'), testSamples, size, shift);
    const before = await score(bundled, testDir);
    log(`${name} (${shift.describe}): bundled model ${before.toFixed(4)} mean F1 (face) on shifted test photos`);
    const row = { shift: name, describe: shift.describe, before, forgetBefore, after: [] as (typeof results)[number]['after'] };
    for (const minutes of budgets) {
      const config = runConfigSchema.parse(
        withRecipe({
          recipe: 'finetune',
          init: 'default',
          model: meta.model,
          inputSize: size,
          modelOptions: meta.modelOptions as RunConfigInput['modelOptions'],
          ...(epochsPerMinute === null ? { minutes, epochs: 10_000 } : { minutes: null, epochs: Math.max(1, Math.round(epochsPerMinute * minutes)) }),
          // Every 5th fine-tune photo picks the best checkpoint (as a user's 40 with a held-out share).
          data: { kind: 'folder', dir: trainDir, preset: 'labels8', valEvery: 5 },
          ...override,
        }),
      );
      const run = await createRun(join(work, 'runs-project'), config);
      const summary = await runTraining({ run, backend: engine.backend, callbacks: {
          log: (m) => log(`  [${name} ${minutes} min] ${m}`),
          // The curve: val F1 of the fine-tune's own held-out photos, epoch by epoch.
          onEpoch: ({ record }) => log(`  [${name} ${minutes} min] epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, val mean F1 (face) ${record.val?.meanF1Face.toFixed(4) ?? '-'}, ${record.seconds.toFixed(1)} s`),
        },
      });
      const f1 = await score(run.bestDir, testDir);
      const forget = await score(run.bestDir, forgetDir);
      row.after.push({ minutes, f1, forget, epochs: summary.epochsDone, seconds: summary.seconds });
      log(`  after ${minutes} min (${summary.epochsDone} epochs, ${summary.seconds.toFixed(0)} s): ${f1.toFixed(4)} on shifted test, ${forget.toFixed(4)} on untouched (before ${forgetBefore.toFixed(4)})`);
    }
    results.push(row);
  }
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}

if (values.json) {
  process.stdout.write(`${JSON.stringify({ backend: engine.backend, budgets, epochsPerMinute, images: nTrain, test: nTest, forget: nForget, override, results }, null, 1)}\n`);
} else {
  const header = ['shift', 'before', ...budgets.map((m) => `after ${m} min`), ...budgets.map((m) => `untouched after ${m}`), 'untouched before'];
  process.stdout.write(`\nmean F1 (face parts)\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
  for (const r of results) {
    process.stdout.write(`| ${r.shift} | ${r.before.toFixed(4)} | ${r.after.map((a) => a.f1.toFixed(4)).join(' | ')} | ${r.after.map((a) => a.forget.toFixed(4)).join(' | ')} | ${r.forgetBefore.toFixed(4)} |\n`);
  }
}
