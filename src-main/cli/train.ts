// `facet train`: trains a registered model on a project or on a labelled folder read in place
// (`--data DIR --preset NAME`), writing the run folder under <project>/runs/. Ctrl+C stops after
// the current batch (the run resumes with `--resume RUN_DIR`); a second Ctrl+C exits at once.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isBundledModelName } from '../contract/models';
import { DEFAULT_MODEL, defaultRecipeFor, runConfigSchema, TRAINING_RECIPES, type AugmentConfig, type RecipeName, type RunConfig, type RunConfigInput } from '../contract/training';
import { architectureFromInit, createRun, describeInit, describeModels, lockRun, parseBackendChoice, RunFolder, runTraining, startEngine, type RunLock } from '../engine/index';
import { defaultProjectDir } from '../host/project-location';
import { EXIT } from './failure';
import { parsePositiveInt, parsePositiveNumber } from './options';
import { formatEpoch, trainProgress } from './train-progress';

interface TrainCliOptions {
  model?: string;
  project: string;
  data?: string;
  preset?: string;
  recipe?: string;
  init?: string;
  minutes?: number;
  warmup?: number;
  freezeBn?: boolean;
  selectBy?: 'meanF1Face' | 'meanIoU';
  adaptBn?: boolean;
  replay?: string;
  replayPreset: string;
  replayShare?: number;
  valShare?: number;
  grayscale?: number;
  blur?: number;
  jpeg?: number;
  perspective?: number;
  lowRes?: number;
  occlusion?: number;
  glassesPaste?: number;
  rotate?: number;
  scale?: number;
  shift?: number;
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

function parseShare(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`not a share between 0 and 1: ${value}`);
  return n;
}

/** A replay set: a project folder (it has a facet.db) or a labelled folder read through a preset. */
function replaySource(dir: string, preset: string): NonNullable<RunConfigInput['replay']>['data'] {
  const abs = resolve(dir);
  return existsSync(join(abs, 'facet.db')) ? { kind: 'project', dir: abs } : { kind: 'folder', dir: abs, preset };
}

/**
 * Schema defaults ← the recipe (default `finetune` with --init, else `original`) ← the flags
 * actually given. With --init the model, input size and model options come from that model; a
 * flag that contradicts it is an error that says so.
 */
export async function configFromOptions(o: TrainCliOptions): Promise<RunConfig> {
  const recipeName = (o.recipe ?? defaultRecipeFor(o.init) ?? 'original') as RecipeName;
  const recipe: Partial<RunConfigInput> = TRAINING_RECIPES[recipeName];
  if (!recipe) throw new Error(`unknown recipe "${o.recipe}"; valid: ${Object.keys(TRAINING_RECIPES).join(', ')}`);
  if ((o.data === undefined) !== (o.preset === undefined)) throw new Error('--data and --preset go together');
  // --init is a bundled model's name (`default`, `accurate`) or a folder path (relative to the working folder).
  const initSetting = o.init === undefined ? undefined : isBundledModelName(o.init) ? o.init : resolve(o.init);
  const init = initSetting !== undefined ? await describeInit(initSetting) : null;
  const architecture = init
    ? architectureFromInit(init, { model: o.model, inputSize: o.size, modelOptions: o.widths ? { widths: o.widths } : undefined })
    : null;
  const input: RunConfigInput = {
    ...recipe,
    model: architecture?.model ?? o.model ?? DEFAULT_MODEL,
    ...(architecture ? { inputSize: architecture.inputSize, modelOptions: architecture.modelOptions as RunConfigInput['modelOptions'], init: initSetting! } : {}),
    data:
      o.data !== undefined
        ? { kind: 'folder', dir: resolve(o.data), preset: o.preset!, ...(o.limit !== undefined ? { limit: o.limit } : {}) }
        : { kind: 'project', dir: resolve(o.project) },
  };
  const set = <K extends keyof RunConfigInput>(key: K, value: RunConfigInput[K] | undefined): void => {
    if (value !== undefined) input[key] = value;
  };
  set('epochs', o.epochs ?? (o.minutes !== undefined ? 10_000 : undefined));
  set('minutes', o.minutes);
  set('warmup', o.warmup);
  set('freezeBatchNorm', o.freezeBn);
  set('selectBy', o.selectBy);
  set('adaptBatchNorm', o.adaptBn);
  if (o.replay !== undefined) input.replay = { data: replaySource(o.replay, o.replayPreset), ...(o.replayShare !== undefined ? { share: o.replayShare } : {}) };
  if (o.valShare !== undefined) input.autoVal = { share: o.valShare };
  set('batchSize', o.batch);
  if (!architecture) set('inputSize', o.size);
  set('lr', o.lr);
  set('optimizer', o.optimizer);
  set('momentum', o.momentum);
  set('schedule', o.schedule);
  set('stepsPerEpoch', o.steps);
  set('seed', o.seed);
  if (o.widths && !architecture) input.modelOptions = { widths: o.widths };
  const given = (fields: Partial<Record<keyof AugmentConfig, number | undefined>>): Partial<AugmentConfig> =>
    Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<AugmentConfig>;
  const augmentFlags = given({
    grayscale: o.grayscale,
    blur: o.blur,
    jpeg: o.jpeg,
    perspective: o.perspective,
    lowRes: o.lowRes,
    occlusion: o.occlusion,
    glassesPaste: o.glassesPaste,
    rotate: o.rotate,
    scale: o.scale,
    shift: o.shift,
  });
  input.augment = o.augment
    ? { ...(recipe.augment ?? {}), ...(o.oversample !== undefined ? { rareOversample: o.oversample } : {}), ...augmentFlags }
    : { hflip: false, scale: 0, rotate: 0, shift: 0, colorJitter: 0, rareOversample: o.oversample ?? 1, grayscale: 0, blur: 0, jpeg: 0, perspective: 0, lowRes: 0, occlusion: 0, glassesPaste: 0 };
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
    .option('-m, --model <name>', `registered model (see below; default ${DEFAULT_MODEL}, or the --init model's)`)
    .option('--init <model>', 'start from this model\'s weights, architecture and input size: default or accurate (the bundled models), a run folder (its best checkpoint) or a model folder')
    .option('--minutes <n>', 'time budget in minutes (fractions allowed): stop when spent, keeping the best and last checkpoints; the schedule spans it', parsePositiveNumber)
    .option('--warmup <share>', 'share of the schedule spent warming the learning rate up (finetune: 0.05)', parseShare)
    .option('--freeze-bn', 'BatchNorm layers keep their moving statistics while training (finetune default)')
    .option('--no-freeze-bn', 'BatchNorm layers update their statistics from the batches')
    .option('--adapt-bn', 'with --init: re-estimate BatchNorm statistics on the training images before training (a new camera)')
    .option('--no-adapt-bn', 'keep the starting model\'s BatchNorm statistics')
    .addOption(new Option('--select-by <metric>', 'what picks the best checkpoint on the validation split (default meanF1Face: mean F1 over the face parts)').choices(['meanF1Face', 'meanIoU']))
    .option('--replay <dir>', 'mix in training images of another labelled folder or project so the model does not forget')
    .option('--replay-preset <name>', 'import preset for a --replay folder', 'celebamask-hq')
    .option('--replay-share <share>', 'share of each epoch\'s draws taken from --replay (default 0.25)', parseShare)
    .option('--val-share <share>', 'without validation images: hold out this share of the training images (default 0.2, at least 4; 0 = never)', parseShare)
    .option('--grayscale <p>', 'augmentation: share of images turned grayscale (finetune: 0.2)', parseShare)
    .option('--blur <p>', 'augmentation: share of images blurred (finetune: 0.2)', parseShare)
    .option('--jpeg <p>', 'augmentation: share of images re-encoded as low-quality JPEG (finetune: 0.3)', parseShare)
    .option('--perspective <p>', 'augmentation: share of images given a yaw-like perspective warp (one side squeezed; default 0)', parseShare)
    .option('--low-res <p>', 'augmentation: share of images brought down 2-4x and back up (default 0)', parseShare)
    .option('--occlusion <p>', 'augmentation: share of images with rectangles of grey or noise over them, labels unchanged (default 0)', parseShare)
    .option('--glasses-paste <p>', 'augmentation: share of images without eyeglasses that get another training image\'s glasses pasted on (default 0)', parseShare)
    .option('--rotate <deg>', 'augmentation: largest rotation in degrees (default 10, finetune 25; at most 45)', parseNonNegative)
    .option('--scale <r>', 'augmentation: largest relative zoom, 0.4 draws 0.6-1.4 (default 0.1; at most 0.5)', parseNonNegative)
    .option('--shift <r>', 'augmentation: largest shift as a share of the side (default 0.05; at most 0.3)', parseNonNegative)
    .option('--project <dir>', 'project folder: its train/val splits are the data, and the run goes under it', defaultProjectDir())
    .option('--data <dir>', 'train on a labelled folder read in place (with --preset); every 5th image (sorted) is val')
    .option('--preset <name>', 'import preset that reads the --data masks (e.g. celebamask-hq)')
    .option('--recipe <name>', `training recipe: ${Object.keys(TRAINING_RECIPES).join(', ')} (default: finetune with --init, else original)`)
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
        config = await configFromOptions(opts);
        run = await createRun(resolve(opts.project), config);
        lock = await lockRun(run.dir);
      }
      process.stdout.write(`run ${run.dir}\nmodel ${config.model} at ${config.inputSize}px, backend ${engine.backend}\n`);
      if (config.lineage) process.stdout.write(`from ${config.lineage.name} (${config.lineage.path}, weights sha256 ${config.lineage.weightsSha256})\n`);
      if (config.minutes !== null) process.stdout.write(`time budget ${config.minutes} min\n`);
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
        const planned = config.minutes !== null ? `${summary.epochsDone} epochs (budget ${config.minutes} min)` : `${summary.epochsDone}/${summary.epochsPlanned} epochs`;
        process.stdout.write(`${summary.status}: ${planned} in ${summary.seconds.toFixed(1)} s; ${best}\n`);
        if (summary.status === 'stopped') process.stdout.write(`resume with: facet train --resume ${run.dir}\n`);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await lock.release();
      }
    });
}
