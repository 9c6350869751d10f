// Reproduces the bundled default model (resources/models/default/) from the data, with the
// studio's own commands only:
//   1. `facet train` on the CelebAMask-HQ folder read in place (sorted names, every 5th to val),
//      with the recipe chosen by measurement (see RECIPE below and MODEL_CARD.md): first at
//      128 px, then the run is resized to 256 px (scripts/resize-run.ts) and `facet train
//      --resume` continues it there (progressive resizing: most epochs at a quarter of the cost);
//      then (the second edition) `facet train --init` that run continues from its best weights
//      with a new cosine schedule and the robustness augmentations (rotation, scale, perspective,
//      low resolution, grayscale, blur, JPEG, occlusion, pasted eyeglasses);
//   2. `facet eval --json` of the last stage's best checkpoint on the val split;
//   3. export of that checkpoint (TensorFlow.js layers format + facet-model.json, ≤ 20 MB), the
//      learning curves as a PNG and MODEL_CARD.md with the figures exactly as eval printed them.
//
//   npm run train:default                       # the whole thing (hours on a 2-core CPU)
//   npm run train:default -- --from-run RUN_DIR  # steps 2-3 only, for a run trained already
//   npm run train:default -- --resume RUN_DIR [--epochs N]  # continue a stopped run, then 2-3
//   npm run train:default -- --accurate          # the accurate model (resources/models/accurate):
//        stage 4, `facet train --init resources/models/default --size 320` with ACCURATE below,
//        evaluated and shipped with the test-time flip on (facet-model.json `"tta": "flip"`)
//
// Ctrl+C during training stops `facet train` after its current batch; the best checkpoint so far
// is then evaluated and exported (a second Ctrl+C quits). The run folder lives outside the repo
// (--work, default a temp dir) and is never copied into it: only the model and the card are.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { EpochRecord, EvalReport, RunConfig, RunSummary } from '../src-main/contract/training';
import { EVAL_VAL_JSON } from '../src-main/engine/infer/bundled-models';
import { sha256File } from '../src-main/engine/train/init-model';
import { plotHistory } from './plot-history';
import { RESIZE_FILE, resizeRun, type ResizeRecord } from './resize-run';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FACET = join(ROOT, 'bin', 'facet.js');
const DEFAULT_DATA = resolve(ROOT, '..', 'shared', 'data', 'celebamask-hq-800');
const DEFAULT_OUT = join(ROOT, 'resources', 'models', 'default');
const ACCURATE_OUT = join(ROOT, 'resources', 'models', 'accurate');
const MAX_BYTES = 20 * 1024 * 1024;
/** Train split of celebamask-hq-800 (sorted, every 5th to val): one full epoch of the peer. */
const TRAIN_IMAGES = 641;
/** Files of a model folder that ship (the checkpoint's optimizer/train state stays behind). */
const MODEL_FILES = ['model.json', 'weights.bin', 'facet-model.json'];

/**
 * The recipe, chosen by measurement on a shared 2-core machine (MODEL_CARD.md says why):
 * DeepLabV3+ on a MobileNetV1 trunk initialised from face-api's SSD face detector, batch 8,
 * Adam 1e-3 with cosine decay (the PyTorch peer's recipe), default augmentation (flip, ±10%
 * scale, ±10° rotation, ±5% shift, ±20% colour jitter, eyeglasses images drawn 3x), short
 * epochs of 30 batches (240 images) so that checkpoints and val figures come often. Stage 1
 * trains at 128 px (cosine planned over 12 epochs, stopped after 10); stage 2 resizes the run to
 * 256 px and resumes it up to `stage2.epochs` in all (the cosine goes on over the new total).
 */
/**
 * Stage 3, the second edition: from stage 2's best checkpoint, Adam with a short warm-up and a
 * new cosine over `epochs`, BatchNorm statistics still learning, and the augmentations for other
 * cameras and poses (shares of images; rotate in degrees, scale and shift as fractions).
 */
export interface Stage3 {
  epochs: number;
  lr: number;
  warmup: number;
  seed: number;
  augment: { rotate: number; scale: number; shift: number; perspective: number; lowRes: number; grayscale: number; blur: number; jpeg: number; occlusion: number; glassesPaste: number };
}

export const RECIPE = {
  model: 'deeplabv3plus-mobilenetv1-face',
  batch: 8,
  recipe: 'adam-cosine',
  steps: 30,
  seed: 42,
  /** Cosine planned over `epochs`, stopped after `stopAfter` (the later epochs are worth more at 256 px). */
  stage1: { size: 128, epochs: 12, stopAfter: 10 },
  stage2: { size: 256, epochs: 50 },
  stage3: {
    epochs: 80,
    lr: 0.0005,
    warmup: 0.03,
    seed: 7,
    augment: { rotate: 20, scale: 0.2, shift: 0.08, perspective: 0.15, lowRes: 0.15, grayscale: 0.1, blur: 0.1, jpeg: 0.2, occlusion: 0.1, glassesPaste: 0.15 },
  } satisfies Stage3,
} as const;

/**
 * Stage 4, the accurate model: from the fast model (stage 3's export) at 320 px, half its
 * learning rate and a shorter cosine, the same augmentations; shipped with the test-time flip
 * (its MODEL_CARD.md has the figures against the fast model's).
 */
export const ACCURATE = { ...RECIPE.stage3, size: 320, epochs: 40, lr: 0.00025 } as const;

type Recipe = {
  model: string;
  batch: number;
  recipe: string;
  steps: number;
  seed: number;
  limit?: number;
  stage1: { size: number; epochs: number; stopAfter: number };
  stage2: { size: number; epochs: number };
  stage3: Stage3 | null;
};

/** `--smoke`: the same pipeline on 12 images at 32 → 64 px in a minute, to check it end to end. */
const SMOKE: Recipe = { ...RECIPE, steps: 1, limit: 12, stage1: { size: 32, epochs: 4, stopAfter: 2 }, stage2: { size: 64, epochs: 5 }, stage3: { ...RECIPE.stage3, epochs: 2 } };

/** `facet train` flags of stage 3 after `--init RUN` (what the card prints, from the run's config). */
export function stage3Flags(c: { recipe: string; lr: number; warmup: number; freezeBatchNorm: boolean; epochs: number; steps: number; batch: number; seed: number; augment: Stage3['augment'] }): string[] {
  const a = c.augment;
  return [
    '--recipe', c.recipe, '--lr', String(c.lr), '--warmup', String(c.warmup), c.freezeBatchNorm ? '--freeze-bn' : '--no-freeze-bn',
    '--epochs', String(c.epochs), '--steps', String(c.steps), '--batch', String(c.batch), '--seed', String(c.seed),
    '--rotate', String(a.rotate), '--scale', String(a.scale), '--shift', String(a.shift), '--perspective', String(a.perspective),
    '--low-res', String(a.lowRes), '--grayscale', String(a.grayscale), '--blur', String(a.blur), '--jpeg', String(a.jpeg),
    '--occlusion', String(a.occlusion), '--glasses-paste', String(a.glassesPaste),
  ];
}

interface Args {
  data: string;
  work: string | null;
  out: string;
  fromRun: string | null;
  resume: string | null;
  epochs: number | null;
  note: string | null;
  recipe: Recipe;
  /** Which bundled model: the fast default (stages 1-3) or the accurate one (stage 4). */
  kind: 'default' | 'accurate';
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      work: { type: 'string' },
      out: { type: 'string' },
      'from-run': { type: 'string' },
      resume: { type: 'string' },
      epochs: { type: 'string' },
      note: { type: 'string' },
      smoke: { type: 'boolean' },
      accurate: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run train:default -- [--accurate] [--data DIR] [--work DIR] [--out DIR] [--epochs N] [--from-run RUN_DIR | --resume RUN_DIR] [--note FILE]\n' +
        '  --accurate  the accurate model instead (stage 4: 320 px from resources/models/default, shipped with the flip; default --out resources/models/accurate)\n' +
        '  --epochs    stage 3\'s (or 4\'s) epochs (with --resume: the run\'s new total)\n' +
        '  --data      labelled CelebAMask-HQ folder (default ../shared/data/celebamask-hq-800)\n' +
        '  --work      where the training project and its run folder go (default: a new temp dir)\n' +
        '  --out       model folder to write (default resources/models/default)\n' +
        '  --from-run  skip training: evaluate and export this run\n' +
        '  --resume    continue this stopped run (with --epochs: a new total), then evaluate and export\n' +
        '  --note      a Markdown file whose text is added to the card (e.g. measured speeds)\n' +
        '  --smoke     the whole pipeline on 12 images at 32 → 64 px (give --out elsewhere)\n',
    );
    process.exit(0);
  }
  const epochs = values.epochs === undefined ? null : Number(values.epochs);
  if (epochs !== null && (!Number.isInteger(epochs) || epochs <= 0)) throw new Error(`--epochs: not a positive whole number: ${values.epochs}`);
  if (values['from-run'] && values.resume) throw new Error('give --from-run or --resume, not both');
  return {
    data: resolve(values.data ?? DEFAULT_DATA),
    work: values.work ? resolve(values.work) : null,
    out: resolve(values.out ?? (values.accurate ? ACCURATE_OUT : DEFAULT_OUT)),
    fromRun: values['from-run'] ? resolve(values['from-run']) : null,
    resume: values.resume ? resolve(values.resume) : null,
    epochs,
    note: values.note ? resolve(values.note) : null,
    recipe: values.smoke ? SMOKE : RECIPE,
    kind: values.accurate ? 'accurate' : 'default',
  };
}

/** Runs `facet ARGS`; stdout is returned (and echoed unless `quiet`), stderr passes through. */
function facet(args: string[], options: { quiet?: boolean; onSpawn?: (pid: number) => void; onOutput?: (all: string) => void } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    // Own process group: a terminal's Ctrl+C reaches only this script, which forwards it once.
    const child = spawn(process.execPath, [FACET, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!options.quiet) process.stdout.write(chunk);
      options.onOutput?.(out);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(out);
      else reject(new Error(`facet ${args[0]} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

async function train(args: Args): Promise<string> {
  const RECIPE = args.recipe;
  let child: number | null = null;
  let stops = 0;
  // The first SIGINT is passed to `facet train`, which stops after its batch; we keep going to
  // export what it reached. A second one ends both at once.
  const onSigint = (): void => {
    if (child !== null) process.kill(child, 'SIGINT');
    if (++stops > 1) process.exit(130);
    process.stderr.write('\ntraining stops after this batch; the best checkpoint will be exported\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const common = ['--no-progress'];
    const resume = async (run: string, epochs: number | null): Promise<void> => {
      await facet(['train', '--resume', run, ...(epochs ? ['--epochs', String(epochs)] : []), ...common], { onSpawn: (p) => (child = p) });
    };
    if (args.resume) {
      await resume(args.resume, args.epochs);
      return args.resume;
    }
    const work = args.work ?? (await mkdtemp(join(os.tmpdir(), 'facet-default-')));
    await mkdir(work, { recursive: true });
    if (args.kind === 'accurate') return await trainAccurate(args, work, (p) => (child = p));
    // Stop stage 1 after `stopAfter` epochs: a SIGINT once `facet train` has printed that epoch
    // ends the run after the next batch, and its last checkpoint is then that epoch.
    let stopSent = false;
    const stopLine = new RegExp(`^epoch ${RECIPE.stage1.stopAfter}:`, 'm');
    const out = await facet(
      [
        'train', '--model', RECIPE.model, '--data', args.data, '--preset', 'celebamask-hq', '--project', work,
        '--size', String(RECIPE.stage1.size), '--batch', String(RECIPE.batch), '--recipe', RECIPE.recipe,
        '--epochs', String(RECIPE.stage1.epochs), '--steps', String(RECIPE.steps), '--seed', String(RECIPE.seed),
        ...(RECIPE.limit ? ['--limit', String(RECIPE.limit)] : []), ...common,
      ],
      {
        onSpawn: (p) => (child = p),
        onOutput: (all) => {
          if (stopSent || child === null || RECIPE.stage1.stopAfter >= RECIPE.stage1.epochs || !stopLine.test(all)) return;
          stopSent = true;
          process.kill(child, 'SIGINT');
        },
      },
    );
    const runLine = /^run (.+)$/m.exec(out);
    if (!runLine?.[1]) throw new Error(`facet train did not say which run folder it wrote (under ${work}/runs)`);
    const stage1 = runLine[1].trim();
    if (stops > 0) return stage1;
    const stage2 = `${stage1}-${RECIPE.stage2.size}px`;
    await resizeRun({ source: stage1, target: stage2, size: RECIPE.stage2.size, epochs: RECIPE.stage2.epochs });
    await resume(stage2, null);
    if (stops > 0 || !RECIPE.stage3) return stage2;
    const s3 = RECIPE.stage3;
    const out3 = await facet(
      [
        'train', '--init', stage2, '--data', args.data, '--preset', 'celebamask-hq', '--project', work,
        ...stage3Flags({ recipe: RECIPE.recipe, lr: s3.lr, warmup: s3.warmup, freezeBatchNorm: false, epochs: args.epochs ?? s3.epochs, steps: RECIPE.steps, batch: RECIPE.batch, seed: s3.seed, augment: s3.augment }),
        ...(RECIPE.limit ? ['--limit', String(RECIPE.limit)] : []), ...common,
      ],
      { onSpawn: (p) => (child = p) },
    );
    const run3 = /^run (.+)$/m.exec(out3)?.[1]?.trim();
    if (!run3) throw new Error(`facet train (stage 3) did not say which run folder it wrote (under ${work}/runs)`);
    return run3;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Stage 4: the accurate model from the fast one (resources/models/default) at ACCURATE.size. */
async function trainAccurate(args: Args, work: string, onSpawn: (pid: number) => void): Promise<string> {
  const r = args.recipe;
  const a = ACCURATE;
  const smoke = r === SMOKE;
  const out = await facet(
    [
      'train', '--init', DEFAULT_OUT, '--size', String(smoke ? 64 : a.size), '--data', args.data, '--preset', 'celebamask-hq', '--project', work,
      ...stage3Flags({ recipe: r.recipe, lr: a.lr, warmup: a.warmup, freezeBatchNorm: false, epochs: args.epochs ?? (smoke ? 2 : a.epochs), steps: r.steps, batch: r.batch, seed: a.seed, augment: a.augment }),
      ...(r.limit ? ['--limit', String(r.limit)] : []), '--no-progress',
    ],
    { onSpawn },
  );
  const run = /^run (.+)$/m.exec(out)?.[1]?.trim();
  if (!run) throw new Error(`facet train (stage 4) did not say which run folder it wrote (under ${work}/runs)`);
  return run;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as Error).message})`);
  }
}

/** Copies the run's best checkpoint to `out`, replacing it atomically; returns the bytes written. */
async function exportModel(checkpoint: string, out: string, extra: Record<string, Uint8Array | string>): Promise<number> {
  const parent = dirname(out);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(out)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(out)}.old-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  let bytes = 0;
  try {
    for (const f of MODEL_FILES) {
      if (!existsSync(join(checkpoint, f))) throw new Error(`${checkpoint}: ${f} missing (not a complete checkpoint)`);
      await copyFile(join(checkpoint, f), join(temp, f));
      bytes += (await stat(join(temp, f))).size;
    }
    if (bytes > MAX_BYTES) throw new Error(`${checkpoint}: model is ${(bytes / 1048576).toFixed(1)} MB, over the 20 MB limit of the bundled model`);
    for (const [name, content] of Object.entries(extra)) await writeFile(join(temp, name), content);
    if (existsSync(out)) await rename(out, old);
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await rm(old, { recursive: true, force: true });
  return bytes;
}

const f4 = (v: number): string => v.toFixed(4);
/** One row of the card's per-epoch table. */
const epochRow = (label: string, size: number, r: EpochRecord): string =>
  `| ${label} | ${size} | ${f4(r.loss)} | ${r.valLoss === null ? '–' : f4(r.valLoss)} | ${r.lr.toPrecision(3)} | ${r.val ? f4(r.val.meanF1Face) : '–'} | ${r.val ? f4(r.val.meanIoUFace) : '–'} | ${r.seconds.toFixed(0)} |`;
const pct = (v: number): string => `${Math.round(v * 1000) / 10}%`;

/** The augmentations that are off by default, as shares of the images, when on. */
function augmentShares(a: RunConfig['augment']): string {
  const named: [string, number][] = [
    ['grayscale', a.grayscale], ['blurred', a.blur], ['re-encoded as JPEG q10-50', a.jpeg], ['perspective (yaw-like) warp', a.perspective],
    ['low resolution (2-4x down and up)', a.lowRes], ['occluded by rectangles', a.occlusion], ['eyeglasses pasted from another image', a.glassesPaste],
  ];
  const on = named.filter(([, v]) => v > 0).map(([name, v]) => `${name} ${pct(v)}`);
  return on.length ? `; shares of images: ${on.join(', ')}` : '';
}

/** The Training section's first lines for a second edition: edition 1's stages, then this run's command. */
function editionTwoLines(config: RunConfig, parent: ParentEdition | null, r: Recipe): string[] {
  const epochs1 = parent ? parent.history.length : r.stage2.epochs;
  return [
    `- **Second edition.** Edition 1 (stages 1-2, what \`npm run train:default\` runs first): \`facet train --model ${r.model} --data DATA --preset celebamask-hq` +
      ` --size ${r.stage1.size} --batch ${r.batch} --recipe ${r.recipe} --epochs ${r.stage1.epochs} --steps ${r.steps} --seed ${r.seed}\` stopped after epoch ${r.stage1.stopAfter},` +
      ` then \`tsx scripts/resize-run.ts RUN RUN-${r.stage2.size}px --size ${r.stage2.size} --epochs ${r.stage2.epochs}\` and \`facet train --resume RUN-${r.stage2.size}px\`` +
      ` (${epochs1} epochs${parent ? `, ${minutes(parent.history.reduce((a, h) => a + h.seconds, 0))}` : ''}; progressive resizing ${r.stage1.size} → ${r.stage2.size} px after epoch ${r.stage1.stopAfter}${parent?.bestMeanF1Face ? `; best val mean F1 (face) ${f4(parent.bestMeanF1Face)}` : ''}${parent?.runId ? `; run ${parent.runId}` : ''}).`,
    `- Stage 3 (this run): \`facet train --init RUN-${r.stage2.size}px --data DATA --preset celebamask-hq ${stage3Flags({
      recipe: r.recipe, lr: config.lr, warmup: config.warmup, freezeBatchNorm: config.freezeBatchNorm, epochs: config.epochs, steps: config.stepsPerEpoch, batch: config.batchSize, seed: config.seed, augment: config.augment,
    }).join(' ')}\`: edition 1's best weights (sha256 ${config.lineage!.weightsSha256.slice(0, 12)}…), a fresh Adam state and a new schedule, at ${config.inputSize} px.`,
  ];
}
const minutes = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(2)} h` : `${(s / 60).toFixed(1)} min`);

/** The model a second edition started from: its training history (read from its folder). */
export interface ParentEdition {
  history: EpochRecord[];
  runId: string | null;
  /** Val mean F1 over the face parts of its best epoch, as its run logged it. */
  bestMeanF1Face: number | null;
}

export interface CardInput {
  config: RunConfig;
  resized: ResizeRecord | null;
  /** For a run started from another model (stage 3): that model's history, when it could be read. */
  parent?: ParentEdition | null;
  /** The recipe the pipeline ran (RECIPE unless --smoke): edition 1's commands come from it. */
  recipe?: Recipe;
  summary: RunSummary;
  history: EpochRecord[];
  report: EvalReport;
  bytes: number;
  note: string | null;
  /** The accurate model (stage 4 from the fast one): `parent` is then edition 2, `grandparent` edition 1. */
  kind?: 'default' | 'accurate';
  grandparent?: EpochRecord[] | null;
}

/** The Training section's first lines for the accurate model: stages 1-3 are the fast model's. */
function accurateLines(config: RunConfig, parent: ParentEdition | null, grandparent: EpochRecord[] | null, r: Recipe): string[] {
  const secs = (h: EpochRecord[] | null | undefined): string => (h?.length ? `, ${minutes(h.reduce((a, x) => a + x.seconds, 0))}` : '');
  return [
    `- **Stages 1-3 are the bundled fast model** (resources/models/default, its MODEL_CARD.md): edition 1 at ${r.stage1.size} → ${r.stage2.size} px` +
      ` (${grandparent?.length ?? '?'} epochs${secs(grandparent)}), edition 2 with the robustness augmentations (${parent?.history.length ?? '?'} epochs${secs(parent?.history)}` +
      `${parent?.bestMeanF1Face ? `; best val mean F1 (face) ${f4(parent.bestMeanF1Face)} at 256 px` : ''}${parent?.runId ? `; run ${parent.runId}` : ''}).`,
    `- Stage 4 (this run, \`npm run train:default -- --accurate\`): \`facet train --init resources/models/default --size ${config.inputSize} --data DATA --preset celebamask-hq ${stage3Flags({
      recipe: r.recipe, lr: config.lr, warmup: config.warmup, freezeBatchNorm: config.freezeBatchNorm, epochs: config.epochs, steps: config.stepsPerEpoch, batch: config.batchSize, seed: config.seed, augment: config.augment,
    }).join(' ')}\`: the fast model's weights (sha256 ${config.lineage!.weightsSha256.slice(0, 12)}…) rebuilt at ${config.inputSize} px (the model is fully convolutional), a fresh Adam state and a new schedule.`,
    '- Shipped with the test-time flip on (facet-model.json `"tta": "flip"`: each photo and its mirror image, probabilities averaged); `--no-flip` turns it off per call.',
  ];
}

/** MODEL_CARD.md: what the model is, what it was trained on (and its licence), how, and how well. */
export function modelCard({ config, resized, parent = null, recipe = RECIPE, summary, history, report, bytes, note, kind = 'default', grandparent = null }: CardInput): string {
  const accurate = kind === 'accurate';
  const m = report.metrics;
  const best = summary.best;
  const bestRecord = history.find((r) => r.epoch === best?.epoch);
  const imagesPerEpoch = config.stepsPerEpoch > 0 ? config.stepsPerEpoch * config.batchSize : null;
  const trainSeconds = history.reduce((a, r) => a + r.seconds, 0);
  const seen = imagesPerEpoch ? imagesPerEpoch * history.length : null;
  const lines: string[] = [];
  lines.push(
    ...(accurate
      ? [
          '# Facet accurate model: face-part segmentation (8 classes)',
          '',
          'The bundled model for when accuracy matters more than speed: `--model accurate` (`facet segment`, `facet eval`), or',
          '"Use" on it in the studio\'s models panel. A larger input and the test-time flip make it slower per photo than the fast',
          'default model (resources/models/default), which `facet segment` and the studio use when no model is chosen.',
        ]
      : [
          '# Facet default model: face-part segmentation (8 classes)',
          '',
          'The model that `facet segment` and the studio\'s batch segmentation use when no other model is chosen (the fast one;',
          'resources/models/accurate is the accurate one).',
        ]),
    'Generated by `npm run train:default` (scripts/train-default.ts) from the run below: do not edit by hand.',
    '',
    '## Model',
    '',
    `- Architecture: \`${config.model}\` from the studio's model registry: DeepLabV3+ (ASPP with image pooling, 1x1 and`,
    '  3x3 dilated 2/4/6 branches of 64 filters, decoder fusing a stride-4 skip, two 3x3 convs, x4 upsampling, softmax)',
    '  on a MobileNetV1 trunk (width 1.0) cut at pointwise conv 11 (512 ch, stride 16), low-level tap pointwise conv 3',
    '  (128 ch, stride 4). The trunk was initialised from the face detector bundled with `@vladmandic/face-api`',
    '  (SSD MobileNetV1, MIT licence, trained on WIDER FACE): transfer learning, see below.',
    `- Input: RGB ${report.inputSize}x${report.inputSize}, pixels / 255 normalised with ImageNet mean/std (facet-model.json says so).`,
    '  The studio resizes each photo (or face crop) to the input size and the class probabilities back to the photo.',
    '- Output: 8-class softmax: background, skin, eyebrows, eyes, nose, mouth, ears, eyeglasses.',
    `- Format: TensorFlow.js layers model (model.json + weights.bin, float32), ${(bytes / 1048576).toFixed(1)} MB, plus facet-model.json.`,
    '',
    '## Data and licence',
    '',
    '- CelebAMask-HQ, the 801-image subset in `../shared/data/celebamask-hq-800` (512x512 photos with human-drawn',
    '  masks, 19 labels mapped to the 8 classes by the `celebamask-hq` import preset; hair, neck, hat, clothes →',
    '  background). Split as the PyTorch peer: sorted names, every 5th image to val → 641 train / 160 val.',
    '- **Licence: non-commercial research and education only**, inherited from CelebAMask-HQ: the photos belong to',
    '  their owners, and a model trained on them carries the same terms. This model must not be used commercially.',
    '  No photos, masks or crops ship with it; the learning-curve image holds numbers only.',
    '',
    '## Training',
    '',
    ...(accurate
      ? accurateLines(config, parent, grandparent, recipe)
      : config.lineage
      ? editionTwoLines(config, parent, recipe)
      : resized
      ? [
          `- Commands (what \`npm run train:default\` runs): \`facet train --model ${config.model} --data DATA --preset celebamask-hq` +
            ` --size ${resized.fromSize} --batch ${config.batchSize} --recipe adam-cosine --epochs ${resized.fromEpochs ?? resized.afterEpoch}` +
            `${config.stepsPerEpoch ? ` --steps ${config.stepsPerEpoch}` : ''} --seed ${config.seed}\`` +
            `${resized.fromEpochs && resized.fromEpochs !== resized.afterEpoch ? ` stopped after epoch ${resized.afterEpoch}` : ''}, then` +
            ` \`tsx scripts/resize-run.ts RUN RUN-${resized.toSize}px --size ${resized.toSize} --epochs ${config.epochs}\` and \`facet train --resume RUN-${resized.toSize}px\`.`,
          `- Progressive resizing: epochs 1-${resized.afterEpoch} at ${resized.fromSize}x${resized.fromSize} (a quarter of the pixels, so ~4x the images per minute),` +
            ` epochs ${resized.afterEpoch + 1}-${config.epochs} at ${resized.toSize}x${resized.toSize} with the same weights and optimizer state (the model is fully convolutional).` +
            ' The best checkpoint is chosen among the epochs at the final size only.',
        ]
      : [
          `- Command (what \`npm run train:default\` runs): \`facet train --model ${config.model} --data DATA --preset celebamask-hq` +
            ` --size ${config.inputSize} --batch ${config.batchSize} --recipe adam-cosine --epochs ${config.epochs}` +
            `${config.stepsPerEpoch ? ` --steps ${config.stepsPerEpoch}` : ''} --seed ${config.seed}\``,
        ]),
    `- Optimizer ${config.optimizer} lr ${config.lr}${config.optimizer === 'sgd' ? ` momentum ${config.momentum}` : ''}, schedule ${config.schedule}` +
      `${config.schedule === 'cosine' ? (resized ? ` over ${resized.fromEpochs} planned epochs in stage 1, then recomputed over ${config.epochs} in all` : ` over ${config.epochs} planned epochs`) : ''}` +
      `${config.warmup > 0 ? ` after a linear warm-up over the first ${(config.warmup * 100).toFixed(0)}%` : ''}; BatchNorm statistics ${config.freezeBatchNorm ? 'frozen' : 'updated from the batches'}; loss: cross-entropy x${config.loss.ce} + (1 - Dice) x${config.loss.dice} + (1 - Jaccard) x${config.loss.jaccard}` +
      `${config.loss.focalGamma ? `, focal γ ${config.loss.focalGamma}` : ''}.`,
    `- Augmentation: horizontal flip ${config.augment.hflip ? 'on' : 'off'}, scale ±${pct(config.augment.scale)}, rotation ±${config.augment.rotate}°,` +
      ` shift ±${pct(config.augment.shift)}, colour jitter ±${pct(config.augment.colorJitter)}, images with eyeglasses drawn ${config.augment.rareOversample}x per epoch` +
      `${augmentShares(config.augment)}.`,
    `- Epochs: ${history.length} done of ${config.epochs} planned${imagesPerEpoch ? ` (an epoch here is ${config.stepsPerEpoch} batches = ${imagesPerEpoch} images drawn from the reshuffled train split; ${seen} images seen in all, ${(seen! / 641).toFixed(1)} passes over the 641 train images)` : ''}; run status \`${summary.status}\`.`,
    `- Best checkpoint: epoch ${best?.epoch ?? '-'} (by ${config.selectBy === 'meanIoU' ? 'val mean IoU over all classes' : 'val mean F1 over the face parts'}, as \`facet train\` picks it` +
      `${config.lineage ? '; epoch 0 is the starting model, which an epoch must beat' : ''}).`,
    `- Training time: ${minutes(trainSeconds)} wall clock (training + per-epoch validation` +
      `${resized ? `; ${minutes(history.filter((r) => r.epoch <= resized.afterEpoch).reduce((a, r) => a + r.seconds, 0))} at ${resized.fromSize} px, ${minutes(history.filter((r) => r.epoch > resized.afterEpoch).reduce((a, r) => a + r.seconds, 0))} at ${resized.toSize} px` : ''}), backend \`${summary.backend}\`` +
      ' (TensorFlow.js wasm + XNNPACK with the studio\'s own training kernels) on a 2-core CPU.',
    '',
    '## Validation metrics',
    '',
    `\`facet eval --json${accurate ? ' --flip' : ''}\` of the best checkpoint on the val split (${report.images} images at ${report.inputSize}px${accurate ? ', with the test-time flip' : ''}, ${report.backend}),`,
    'from whole-split TP/FP/FN counts per class:',
    '',
    '| class | precision | recall | F1 | IoU | truth pixels |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const c of m.perClass) {
    lines.push(c.present ? `| ${c.name} | ${f4(c.precision)} | ${f4(c.recall)} | ${f4(c.f1)} | ${f4(c.iou)} | ${c.support} |` : `| ${c.name} | – | – | – | – | absent |`);
  }
  lines.push(
    '',
    `- **Mean F1 over the 7 face parts: ${f4(m.meanF1Face)}** (mean IoU ${f4(m.meanIoUFace)}); target ≥ 0.85.`,
    `- Mean over all 8 classes: F1 ${f4(m.meanF1)}, IoU ${f4(m.meanIoU)}; pixel accuracy ${f4(m.pixelAccuracy)}.`,
    `- PyTorch peer (DeepLabV3+ MobileNetV2, random init, same split and 256 px, 2 idle cores, 8.3 img/s): val mean F1 (face) 0.80 after 6 full epochs` +
      ` (${6 * TRAIN_IMAGES} images), 0.85 after 18 (${18 * TRAIN_IMAGES} images), 0.861 best.${seen ? ` This model saw ${seen} training images.` : ''}`,
    '',
    '## Learning curves',
    '',
    '![learning curves](learning-curves.png)',
    '',
    ...(accurate ? ['Epochs are numbered stage.epoch (1.x: edition 1, 2.x: edition 2, both the fast model; 3.x: this run).', ''] : parent ? ['Epochs are numbered edition.epoch (1.x: edition 1, 2.x: this run).', ''] : []),
    '| epoch | size | train loss | val loss | lr | val mean F1 (face) | val mean IoU (face) | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const editionOne = accurate ? grandparent : parent?.history;
  for (const r of editionOne ?? []) {
    const size = r.epoch <= recipe.stage1.stopAfter ? recipe.stage1.size : recipe.stage2.size;
    lines.push(epochRow(`1.${r.epoch}`, size, r));
  }
  if (accurate) for (const r of parent?.history ?? []) lines.push(epochRow(`2.${r.epoch}`, recipe.stage2.size, r));
  for (const r of history) {
    const size = resized && r.epoch <= resized.afterEpoch ? resized.fromSize : config.inputSize;
    lines.push(epochRow(accurate ? `3.${r.epoch}` : parent ? `2.${r.epoch}` : String(r.epoch), size, r));
  }
  if (bestRecord?.val && Math.abs(bestRecord.val.meanF1Face - m.meanF1Face) > 1e-3) {
    lines.push('', `(The run logged val mean F1 ${f4(bestRecord.val.meanF1Face)} at that epoch; the table above is the fresh evaluation.)`);
  }
  if (note) lines.push('', note.trim());
  lines.push('');
  return lines.join('\n');
}

/**
 * The checkpoint's facet-model.json as it ships: a lineage path inside this repository is made
 * relative to it (the absolute path of the machine that trained it means nothing elsewhere), and
 * `default` is said to be the bundled model the run started from, not the one shipping now.
 */
async function portableMeta(file: string, tta: 'flip' | null = null): Promise<string> {
  const meta = await readJson<{ lineage?: { path: string; name: string; parent?: unknown } | null; tta?: string }>(file);
  if (tta) meta.tta = tta;
  for (let l = meta.lineage as { path: string; name: string; parent?: unknown } | null | undefined; l; l = l.parent as typeof l) {
    const rel = relative(ROOT, l.path);
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      // A model named by its path (the accurate model's start, the fast one) is named by it here too.
      if (l.name === l.path) l.name = rel;
      l.path = rel;
    }
    if (l.name === 'default') l.name = 'default (the bundled model the run started from)';
  }
  return JSON.stringify(meta, null, 1) + '\n';
}

/**
 * The history of the model a run started from: its folder's history.json (a run's checkpoint:
 * the run's), or parent-history.json kept beside an exported second edition; null, said on
 * stderr, when the folder no longer holds the weights the run started from.
 */
async function readParent(lineage: NonNullable<RunConfig['lineage']>): Promise<ParentEdition | null> {
  const weights = join(lineage.path, 'weights.bin');
  const sha = existsSync(weights) ? await sha256File(weights) : null;
  let file: string;
  if (sha === lineage.weightsSha256) {
    const runDir = basename(lineage.path) === 'best' ? dirname(dirname(lineage.path)) : null;
    file = runDir && existsSync(join(runDir, 'history.json')) ? join(runDir, 'history.json') : join(lineage.path, 'history.json');
  } else {
    // Exported again into the folder it started from (the bundled model): the folder now holds
    // an export of a run from those weights, whose parent-history.json is the history wanted.
    const meta = existsSync(join(lineage.path, 'facet-model.json')) ? await readJson<{ lineage?: { weightsSha256?: string } }>(join(lineage.path, 'facet-model.json')) : null;
    file = join(lineage.path, 'parent-history.json');
    if (meta?.lineage?.weightsSha256 !== lineage.weightsSha256 || !existsSync(file)) {
      process.stderr.write(`${lineage.path}: no longer holds the weights this run started from; the card leaves edition 1's curves out\n`);
      return null;
    }
  }
  if (!existsSync(file)) return null;
  const history = await readJson<EpochRecord[]>(file);
  const best = history.reduce<number | null>((m, r) => (r.val && (m === null || r.val.meanF1Face > m) ? r.val.meanF1Face : m), null);
  return { history, runId: lineage.runId ?? null, bestMeanF1Face: best };
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (!args.fromRun && !existsSync(join(args.data, 'images'))) throw new Error(`${args.data}: no images/ folder (pass --data DIR)`);
  const runDir = args.fromRun ?? (await train(args));
  if (!existsSync(join(runDir, 'config.json'))) throw new Error(`${runDir}: not a run folder (no config.json)`);
  const config = await readJson<RunConfig>(join(runDir, 'config.json'));
  const summary = await readJson<RunSummary>(join(runDir, 'status.json'));
  const history = await readJson<EpochRecord[]>(join(runDir, 'history.json'));
  const resized = existsSync(join(runDir, RESIZE_FILE)) ? await readJson<ResizeRecord>(join(runDir, RESIZE_FILE)) : null;
  if (!summary.best) throw new Error(`${runDir}: no finished epoch, so no best checkpoint to export`);
  const parent = config.lineage ? await readParent(config.lineage) : null;
  const accurate = args.kind === 'accurate';
  // The accurate model's parent is edition 2 (the fast model); edition 1's history is beside it.
  const grandparentFile = config.lineage ? join(config.lineage.path, 'parent-history.json') : null;
  const grandparent = accurate && grandparentFile && existsSync(grandparentFile) ? await readJson<EpochRecord[]>(grandparentFile) : null;

  process.stdout.write(`evaluating ${runDir} (best checkpoint, epoch ${summary.best.epoch}) on val…\n`);
  const printed = await facet(['eval', '--model', runDir, '--checkpoint', 'best', '--split', 'val', '--json', ...(accurate ? ['--flip'] : [])], { quiet: true });
  const report = JSON.parse(printed) as EvalReport;
  const note = args.note ? await readFile(args.note, 'utf8') : null;

  // Render the plot and card next to the output first, so a failure leaves the old model intact.
  const scratch = await mkdtemp(join(os.tmpdir(), 'facet-default-card-'));
  try {
    const png = join(scratch, 'learning-curves.png');
    // A second edition's curves go on from the first's: its epochs numbered after them.
    const earlier = [...(grandparent ?? []), ...(parent?.history ?? [])].map((r, i) => ({ ...r, epoch: i + 1 }));
    const offset = earlier.length;
    const curves = [...earlier, ...history.map((r) => ({ ...r, epoch: r.epoch + offset }))];
    await plotHistory(curves, png, {
      title: `${config.model} at ${config.inputSize}px: ${parent ? `${offset} + ${history.length}` : history.length} epochs`,
      imagesPerEpoch: config.stepsPerEpoch > 0 ? config.stepsPerEpoch * config.batchSize : null,
      trainImages: TRAIN_IMAGES,
      ...(resized ? { marker: { epoch: resized.afterEpoch + 0.5, label: `${resized.fromSize} → ${resized.toSize} px` } } : {}),
      ...(accurate && grandparent
        ? {
            markers: [
              { epoch: args.recipe.stage1.stopAfter + 0.5, label: `${args.recipe.stage1.size} → ${args.recipe.stage2.size} px` },
              { epoch: grandparent.length + 0.5, label: 'edition 2' },
              { epoch: offset + 0.5, label: `${config.inputSize} px (accurate)` },
            ],
          }
        : parent
        ? { markers: [{ epoch: args.recipe.stage1.stopAfter + 0.5, label: `${args.recipe.stage1.size} → ${args.recipe.stage2.size} px` }, { epoch: offset + 0.5, label: 'edition 2' }] }
        : {}),
    });
    const bytesGuess = (await Promise.all(MODEL_FILES.map((f) => stat(join(runDir, 'checkpoints', 'best', f)).then((s) => s.size)))).reduce((a, b) => a + b, 0);
    const card = modelCard({ config, resized, parent, recipe: args.recipe, summary, history, report, bytes: bytesGuess, note, kind: args.kind, grandparent });
    // The run's manifest (content hashes of the photos it trained on) ships with the model.
    const manifest = join(runDir, 'training-manifest.json');
    const evalJson = JSON.stringify({ ...report, model: relative(ROOT, args.out) || '.' }, null, 1) + '\n';
    const bytes = await exportModel(join(runDir, 'checkpoints', 'best'), args.out, {
      'facet-model.json': await portableMeta(join(runDir, 'checkpoints', 'best', 'facet-model.json'), accurate ? 'flip' : null),
      'MODEL_CARD.md': card,
      'learning-curves.png': await readFile(png),
      [EVAL_VAL_JSON]: evalJson,
      'history.json': JSON.stringify(history) + '\n',
      ...(parent ? { 'parent-history.json': JSON.stringify(parent.history) + '\n' } : {}),
      ...(grandparent ? { 'grandparent-history.json': JSON.stringify(grandparent) + '\n' } : {}),
      ...(existsSync(manifest) ? { 'training-manifest.json': await readFile(manifest) } : {}),
    });
    process.stdout.write(
      `wrote ${args.out} (${(bytes / 1048576).toFixed(1)} MB model): val mean F1 (7 face parts) ${f4(report.metrics.meanF1Face)}, ` +
        `mean IoU ${f4(report.metrics.meanIoU)}; files: ${(await readdir(args.out)).join(', ')}\n`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`train-default: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
