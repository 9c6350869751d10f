// `facet train`: trains a registered model on a project or on a labelled folder read in place
// (`--data DIR --preset NAME`), writing the run folder under <project>/runs/. Ctrl+C stops after
// the current batch (the run resumes with `--resume RUN_DIR`); a second Ctrl+C exits at once.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_MODEL, runConfigSchema, TRAINING_RECIPES, type RunConfig, type RunConfigInput } from '../contract/training';
import { createRun, describeModels, lockRun, parseBackendChoice, RunFolder, runTraining, startEngine, type RunLock } from '../engine/index';
import { defaultProjectDir } from '../host/project-location';
import { EXIT } from './failure';
import { parsePositiveInt, parsePositiveNumber } from './options';
import { formatEpoch, trainProgress } from './train-progress';

interface TrainCliOptions {
  model: string;
  project: string;
  data?: string;
  preset?: string;
  recipe: string;
  epochs?: number;
  batch?: number;
  size?: number;
  lr?: number;
  optimizer?: 'sgd' | 'adam';
  momentum?: number;
  schedule?: 'plateau' | 'cosine' | 'constant';
  steps?: number;
  seed?: number;
  limit?: number;
  widths?: number[];
  augment: boolean;
  oversample?: number;
  focal?: number;
  classWeights?: number[];
  resume?: string;
  backend?: string;
  workers?: number;
  progress: boolean;
}

function parseNumberList(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n < 0)) throw new InvalidArgumentError(`not a comma-separated list of numbers: ${value}`);
  return list;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`not a number ≥ 0: ${value}`);
  return n;
}

function choice<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!values.includes(value as T)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}, got ${value}`);
    return value as T;
  };
}

/** Schema defaults ← the recipe ← the flags actually given. */
export function configFromOptions(o: TrainCliOptions): RunConfig {
  const recipe = TRAINING_RECIPES[o.recipe as keyof typeof TRAINING_RECIPES];
  if (!recipe) throw new Error(`unknown recipe "${o.recipe}"; valid: ${Object.keys(TRAINING_RECIPES).join(', ')}`);
  if ((o.data === undefined) !== (o.preset === undefined)) throw new Error('--data and --preset go together');
  const input: RunConfigInput = {
    ...recipe,
    model: o.model,
    data:
      o.data !== undefined
        ? { kind: 'folder', dir: resolve(o.data), preset: o.preset!, ...(o.limit !== undefined ? { limit: o.limit } : {}) }
        : { kind: 'project', dir: resolve(o.project) },
  };
  const set = <K extends keyof RunConfigInput>(key: K, value: RunConfigInput[K] | undefined): void => {
    if (value !== undefined) input[key] = value;
  };
  set('epochs', o.epochs);
  set('batchSize', o.batch);
  set('inputSize', o.size);
  set('lr', o.lr);
  set('optimizer', o.optimizer);
  set('momentum', o.momentum);
  set('schedule', o.schedule);
  set('stepsPerEpoch', o.steps);
  set('seed', o.seed);
  if (o.widths) input.modelOptions = { widths: o.widths };
  input.augment = o.augment
    ? { ...(o.oversample !== undefined ? { rareOversample: o.oversample } : {}) }
    : { hflip: false, scale: 0, rotate: 0, shift: 0, colorJitter: 0, rareOversample: o.oversample ?? 1 };
  input.loss = { ...(o.focal !== undefined ? { focalGamma: o.focal } : {}), ...(o.classWeights ? { classWeights: o.classWeights } : {}) };
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid training option ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

export function registerTrain(program: Command): void {
  const models = describeModels()
    .map((m) => `  ${m.name.padEnd(30)} ${m.description}`)
    .join('\n');
  program
    .command('train')
    .description('train a segmentation model; the run folder (config, history, checkpoints, eval) goes to <project>/runs/')
    .option('-m, --model <name>', 'registered model (see below)', DEFAULT_MODEL)
    .option('--project <dir>', 'project folder: its train/val splits are the data, and the run goes under it', defaultProjectDir())
    .option('--data <dir>', 'train on a labelled folder read in place (with --preset); every 5th image (sorted) is val')
    .option('--preset <name>', 'import preset that reads the --data masks (e.g. celebamask-hq)')
    .option('--recipe <name>', `training recipe: ${Object.keys(TRAINING_RECIPES).join(', ')}`, 'original')
    .option('--epochs <n>', 'epochs (default 100)', parsePositiveInt)
    .option('--batch <n>', 'batch size (default 8)', parsePositiveInt)
    .option('--size <px>', 'input side in pixels (default 256)', parsePositiveInt)
    .option('--lr <rate>', 'initial learning rate (recipe original: 0.1)', parsePositiveNumber)
    .option('--optimizer <name>', 'sgd or adam', choice(['sgd', 'adam'] as const))
    .option('--momentum <m>', 'SGD momentum (0 = plain SGD)', parseNonNegative)
    .option('--schedule <name>', 'plateau, cosine or constant', choice(['plateau', 'cosine', 'constant'] as const))
    .option('--steps <n>', 'at most this many batches per epoch', parsePositiveInt)
    .option('--seed <n>', 'seed of weights, sampling and augmentation (default 42)', parseNonNegative)
    .option('--limit <n>', 'with --data: use only the first N images (sorted)', parsePositiveInt)
    .option('--widths <list>', 'unet: channels per level, e.g. 16,32,64,128', parseNumberList)
    .option('--no-augment', 'no flips, affine or colour jitter')
    .option('--oversample <k>', 'draw images with eyeglasses k times per epoch (default 3)', parsePositiveNumber)
    .option('--focal <gamma>', 'focal loss exponent instead of plain cross-entropy', parseNonNegative)
    .option('--class-weights <list>', '8 class weights for the loss, e.g. 1,1,1,1,1,1,1,3', parseNumberList)
    .option('--resume <run_dir>', 'continue a stopped run from its last checkpoint (--epochs sets a new total)')
    .option('--backend <name>', 'force an engine backend (tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu)')
    .option('--workers <n>', 'engine workers sharing each batch (default: one per core, at most 4, on wasm; FACET_TRAIN_WORKERS)', parsePositiveInt)
    .option('--no-progress', 'no progress bar (one line per epoch)')
    .addHelpText('after', `\nModels:\n${models}\n`)
    .action(async (opts: TrainCliOptions) => {
      const engine = await startEngine(opts.backend ? { backend: parseBackendChoice(opts.backend) } : {});
      let run: RunFolder;
      let config: RunConfig;
      // One process trains a run folder at a time: held from here until training ends.
      let lock: RunLock;
      if (opts.resume) {
        run = new RunFolder(resolve(opts.resume));
        if (!RunFolder.isRun(run.dir)) throw new Error(`${run.dir}: not a run folder (no config.json)`);
        lock = await lockRun(run.dir);
        config = await run.readConfig();
      } else {
        // Parsed once here; a bad model name, size, budget or empty data fails before a run folder exists.
        config = configFromOptions(opts);
        run = await createRun(resolve(opts.project), config);
        lock = await lockRun(run.dir);
      }
      process.stdout.write(`run ${run.dir}\nmodel ${config.model} at ${config.inputSize}px, backend ${engine.backend}\n`);
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(EXIT.interrupted);
        process.stderr.write('\nstopping after this batch (Ctrl+C again to quit now)…\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const progress = trainProgress(opts.progress && process.stdout.isTTY === true);
      try {
        const summary = await runTraining({
          run,
          resume: Boolean(opts.resume),
          ...(opts.resume && opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
          signal: controller.signal,
          backend: engine.backend,
          ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
          callbacks: {
            log: (m) => progress.line(`${m}\n`),
            onBatch: (e) => progress.batch(e),
            onEpoch: (e) => progress.line(formatEpoch(e.record, e.isBest)),
          },
        });
        progress.stop();
        const best = summary.best ? `best epoch ${summary.best.epoch}: val mean IoU ${summary.best.valMeanIoU.toFixed(4)}, mean F1 (face) ${summary.best.valMeanF1Face.toFixed(4)}` : 'no epoch finished';
        process.stdout.write(`${summary.status}: ${summary.epochsDone}/${summary.epochsPlanned} epochs in ${summary.seconds.toFixed(1)} s; ${best}\n`);
        if (summary.status === 'stopped') process.stdout.write(`resume with: facet train --resume ${run.dir}\n`);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await lock.release();
      }
    });
}
