// Training runs and evaluation: what the training/evaluation panels and `facet train/eval` share.
// A run config is validated here once (defaults = the original Keras recipe) and stored verbatim
// in runs/<id>/config.json, so a run can be resumed or reproduced from its folder alone.
import { z } from 'zod';
import { event, method } from './define';
import { NUM_CLASSES } from './classes';
import { MAX_ENTRIES, MAX_NAME, MAX_PATH } from './limits';
import { IMAGE_STATUSES, SPLITS } from './project';
import { BUNDLED_MODEL_NAMES, isBundledModelName } from './models';

export const OPTIMIZERS = ['sgd', 'adam'] as const;
export const SCHEDULES = ['plateau', 'cosine', 'constant'] as const;
export const RUN_STATUSES = ['running', 'stopping', 'stopped', 'finished', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const lossSchema = z
  .object({
    /** Weight of categorical cross-entropy (focal when `focalGamma` > 0). */
    ce: z.number().min(0).default(1),
    /** Weight of (1 - soft Dice), Dice averaged over classes. */
    dice: z.number().min(0).default(1),
    /** Weight of (1 - soft Jaccard), averaged over classes. */
    jaccard: z.number().min(0).default(1),
    /** Focal loss exponent; 0 is plain cross-entropy. */
    focalGamma: z.number().min(0).max(10).default(0),
    /** One weight per class for the cross-entropy and the Dice/Jaccard class mean; null = all 1. */
    classWeights: z.array(z.number().min(0)).length(NUM_CLASSES).nullable().default(null),
  })
  .strict();

const augmentSchema = z
  .object({
    hflip: z.boolean().default(true),
    /** Max relative zoom, e.g. 0.1 draws a scale in [0.9, 1.1]. */
    scale: z.number().min(0).max(0.5).default(0.1),
    /** Max rotation in degrees. */
    rotate: z.number().min(0).max(45).default(10),
    /** Max shift as a fraction of the side. */
    shift: z.number().min(0).max(0.3).default(0.05),
    /** Max relative change of brightness, contrast and saturation. */
    colorJitter: z.number().min(0).max(0.5).default(0.2),
    /** Draw images holding a rare class (eyeglasses) this many times as often; 1 = off. */
    rareOversample: z.number().min(1).max(20).default(3),
    /** Share of images turned to grayscale (other cameras, black-and-white photos). */
    grayscale: z.number().min(0).max(1).default(0),
    /** Share of images blurred (a 3x3 box blur, once or twice: soft focus, motion). */
    blur: z.number().min(0).max(1).default(0),
    /** Share of images re-encoded as a low-quality JPEG (quality 10-50: compression artefacts). */
    jpeg: z.number().min(0).max(1).default(0),
    /** Share of images given a yaw-like perspective warp (one side squeezed, as a head turned away). */
    perspective: z.number().min(0).max(1).default(0),
    /** Share of images brought down to a lower resolution (2-4x) and back up (small faces, cheap cameras). */
    lowRes: z.number().min(0).max(1).default(0),
    /** Share of images with one or two rectangles of grey or noise over them; labels stay the truth. */
    occlusion: z.number().min(0).max(1).default(0),
    /** Share of images without eyeglasses that get the eyeglasses (pixels and label) of another training image pasted on. */
    glassesPaste: z.number().min(0).max(1).default(0),
  })
  .strict();

export const projectDataSchema = z
  .object({
    kind: z.literal('project'),
    dir: z.string().min(1).max(MAX_PATH),
    trainSplits: z.array(z.enum(SPLITS)).min(1).default(['train']),
    valSplit: z.enum(SPLITS).default('val'),
    /** Only images with one of these statuses count as labelled. */
    statuses: z.array(z.enum(IMAGE_STATUSES)).min(1).default(['done', 'reviewed']),
    /** Only images an annotator put in the training set (for the train splits). */
    onlyInTraining: z.boolean().default(false),
  })
  .strict();

const folderDataSchema = z
  .object({
    kind: z.literal('folder'),
    /** A labelled folder (images/ + masks/) read through an import preset, never copied. */
    dir: z.string().min(1).max(MAX_PATH),
    preset: z.string().min(1).max(MAX_PATH),
    /** Sorted names, every Nth to validation (the peer's split: 5 → 641 train / 160 val). */
    valEvery: z.number().int().min(2).default(5),
    /** Use at most this many images (after sorting), 0 = all: for smoke runs and tests. */
    limit: z.number().int().min(0).default(0),
  })
  .strict();

/** The model a run trains when none is named (the one the bundled default model was trained as). */
export const DEFAULT_MODEL = 'deeplabv3plus-mobilenetv2';

/** Bounds on the model options any registered model reads (channel counts, dilation rates). */
const CHANNELS = z.number().int().min(1).max(2048);
const modelOptionsSchema = z
  .record(z.string().max(MAX_NAME), z.union([z.number().finite(), z.array(z.number().finite()).max(MAX_ENTRIES), z.string().max(MAX_NAME), z.boolean()]))
  .refine((options) => Object.keys(options).length <= MAX_ENTRIES, `at most ${MAX_ENTRIES} options`)
  .superRefine((options, ctx) => {
    const bounded: Record<string, z.ZodTypeAny> = {
      /** unet: channels per level, 2 to 8 levels. */
      widths: z.array(CHANNELS).min(2).max(8),
      /** deeplabv3plus: ASPP channels and dilation rates. */
      filters: CHANNELS,
      rates: z.array(z.number().int().min(1).max(64)).min(1).max(8),
    };
    for (const [key, schema] of Object.entries(bounded)) {
      if (options[key] === undefined) continue;
      const parsed = schema.safeParse(options[key]);
      if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
    }
  });

/**
 * Where a model came from: the model folder a run started from (its path, name and the SHA-256
 * of its weights.bin) and, recursively, what that model had started from. Null = random weights.
 */
export interface ModelLineage {
  /** The model folder the weights were read from. */
  path: string;
  /** How it was named (`default`, a run folder, a model folder) and its architecture. */
  name: string;
  model: string;
  inputSize: number;
  /** SHA-256 (hex) of the model's weights.bin. */
  weightsSha256: string;
  /** The run that produced it, when known. */
  runId: string | null;
  parent: ModelLineage | null;
}

export const modelLineageSchema: z.ZodType<ModelLineage> = z.lazy(() =>
  z.object({
    path: z.string().max(MAX_PATH),
    name: z.string().max(MAX_PATH),
    model: z.string().max(MAX_NAME),
    inputSize: z.number().int().positive(),
    weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
    runId: z.string().max(MAX_PATH).nullable(),
    parent: modelLineageSchema.nullable(),
  }),
);

/** A labelled set mixed into the training batches so a fine-tune does not forget other faces. */
const replaySchema = z
  .object({
    data: z.discriminatedUnion('kind', [projectDataSchema, folderDataSchema]),
    /** Share of each epoch's draws taken from the replay set (0.25: one image in four). */
    share: z.number().min(0).max(0.9).default(0.25),
  })
  .strict();

/** Holding out a validation share when the data has no validation images (small projects). */
const autoValSchema = z
  .object({
    /** Share of the training images held out; 0 = never. */
    share: z.number().min(0).max(0.5).default(0.2),
    /** At least this many (while leaving at least as many to train on). */
    min: z.number().int().min(1).max(1000).default(4),
  })
  .strict();

export const runConfigSchema = z
  .object({
    /** Start from this model's weights (`default`, a run folder or id, a model folder); null = random. */
    init: z.string().min(1).max(MAX_PATH).nullable().default(null),
    /** Filled in when the run is created from `init`: what it started from, and that model's lineage. */
    lineage: modelLineageSchema.nullable().default(null),
    /** Time budget in minutes of training (fractions allowed); null = train the planned epochs. */
    minutes: z.number().positive().max(10_000).nullable().default(null),
    /** Share of the schedule spent warming the learning rate up linearly from 0 (of the budget, or of the epochs). */
    warmup: z.number().min(0).max(0.5).default(0),
    /**
     * BatchNorm layers keep their moving statistics and normalise with them (inference mode)
     * while training: with batches of a few images from a few dozen photos, batch statistics are
     * noise, and updating the moving averages would wash out what the model learnt from thousands.
     */
    freezeBatchNorm: z.boolean().default(false),
    /**
     * Before training, BatchNorm moving statistics are re-estimated on the training images (one
     * pass, no augmentation): a new camera shifts what every layer sees (AdaBN). Only with `init`.
     */
    adaptBatchNorm: z.boolean().default(false),
    replay: replaySchema.nullable().default(null),
    /**
     * What picks the best checkpoint on the validation split: mean F1 over the seven face parts
     * (what a user judges and the studio reports; background and skin, three quarters of the
     * pixels, cannot hide a lost eyebrow), or mean IoU over all eight classes (runs before it).
     */
    selectBy: z.enum(['meanF1Face', 'meanIoU']).default('meanF1Face'),
    autoVal: autoValSchema.default(autoValSchema.parse({})),
    /** Names of the training images held out as validation at creation (autoVal), or null. */
    heldOutVal: z.array(z.string().max(MAX_PATH)).max(100_000).nullable().default(null),
    model: z.string().min(1).max(MAX_NAME).default(DEFAULT_MODEL),
    /** Options passed to the model builder, e.g. `{ widths: [8, 16, 32] }` for `unet`. */
    modelOptions: modelOptionsSchema.default({}),
    inputSize: z.number().int().min(32).max(1024).default(256),
    epochs: z.number().int().min(1).max(10_000).default(100),
    batchSize: z.number().int().min(1).max(256).default(8),
    /** Cap on training batches per epoch, 0 = the whole training set (smoke runs, tests). */
    stepsPerEpoch: z.number().int().min(0).max(1_000_000).default(0),
    optimizer: z.enum(OPTIMIZERS).default('sgd'),
    lr: z.number().positive().max(10).default(0.1),
    momentum: z.number().min(0).max(0.999).default(0),
    schedule: z.enum(SCHEDULES).default('plateau'),
    /** Reduce-LR-on-plateau on val loss. */
    plateauPatience: z.number().int().min(1).default(4),
    plateauFactor: z.number().positive().max(1).default(0.5),
    minLr: z.number().min(0).default(1e-6),
    /** Early stopping on val loss; 0 = off. */
    earlyStopPatience: z.number().int().min(0).default(10),
    loss: lossSchema.default(lossSchema.parse({})),
    augment: augmentSchema.default(augmentSchema.parse({})),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    data: z.discriminatedUnion('kind', [projectDataSchema, folderDataSchema]),
  })
  .strict();

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;
export type AugmentConfig = RunConfig['augment'];
export type DataSource = RunConfig['data'];

/** Training recipes, named starting points: the GUI offers them, `facet train --recipe NAME` applies one. */
export const TRAINING_RECIPES = {
  /** The original Keras project: SGD 0.1, plateau 4 x0.5 on val loss, early stop 10. */
  original: { optimizer: 'sgd', lr: 0.1, momentum: 0, schedule: 'plateau', plateauPatience: 4, plateauFactor: 0.5, earlyStopPatience: 10 },
  /** The PyTorch accuracy peer: Adam 1e-3 with cosine decay over the epochs. */
  'adam-cosine': { optimizer: 'adam', lr: 1e-3, momentum: 0, schedule: 'cosine', earlyStopPatience: 0 },
  /** SGD with Nesterov-free momentum 0.9, a common fine-tuning recipe. */
  'sgd-momentum': { optimizer: 'sgd', lr: 0.01, momentum: 0.9, schedule: 'plateau', plateauPatience: 4, plateauFactor: 0.5, earlyStopPatience: 10 },
  /**
   * Fine-tuning a trained model on tens of images (the default with `init`): Adam at a tenth of
   * the from-scratch rate, a short warm-up, cosine over the time budget or the epochs, BatchNorm
   * statistics frozen, strong augmentation (geometry, colour, grayscale, blur, JPEG) since the
   * data is tiny, no early stop (the best checkpoint by validation is kept anyway).
   */
  finetune: {
    optimizer: 'adam',
    lr: 1e-4,
    momentum: 0,
    schedule: 'cosine',
    warmup: 0.05,
    earlyStopPatience: 0,
    freezeBatchNorm: true,
    batchSize: 4,
    augment: { hflip: true, scale: 0.25, rotate: 25, shift: 0.1, colorJitter: 0.4, rareOversample: 1, grayscale: 0.2, blur: 0.2, jpeg: 0.3, perspective: 0, lowRes: 0, occlusion: 0, glassesPaste: 0 },
  },
} as const satisfies Record<string, Partial<RunConfig>>;

export type RecipeName = keyof typeof TRAINING_RECIPES;
export const RECIPE_NAMES = Object.keys(TRAINING_RECIPES) as RecipeName[];

/** The recipe a run gets when none is named: `finetune` when it starts from a model, else none. */
export function defaultRecipeFor(init: string | null | undefined): RecipeName | null {
  return init ? 'finetune' : null;
}

/** The recipe's fields under the fields given (augmentation merged field by field); `recipe` consumed. */
export function withRecipe<T extends { recipe?: RecipeName | undefined; init?: string | null | undefined; augment?: Record<string, unknown> | undefined }>(raw: T): Omit<T, 'recipe'> {
  const { recipe: named, ...rest } = raw;
  const name = named ?? defaultRecipeFor(raw.init);
  if (!name) return rest;
  const recipe: Partial<RunConfigInput> = TRAINING_RECIPES[name];
  const augment = recipe.augment || rest.augment ? { ...(recipe.augment ?? {}), ...(rest.augment ?? {}) } : undefined;
  return { ...recipe, ...rest, ...(augment ? { augment } : {}) } as Omit<T, 'recipe'>;
}

const runStartFields = runConfigSchema.extend({
  data: runConfigSchema.shape.data.optional(),
  model: z.string().min(1).max(MAX_NAME).optional(),
  inputSize: z.number().int().min(32).max(1024).optional(),
  epochs: z.number().int().min(1).max(10_000).optional(),
});
export type RunStartConfigInput = z.input<typeof runStartFields> & { recipe?: RecipeName };
/** `runs.start`'s config: the run config with the recipe applied under the given fields. */
export const runStartConfigSchema = z.preprocess((raw: RunStartConfigInput) => (raw && typeof raw === 'object' ? withRecipe(raw) : raw), runStartFields);

/** Metrics of one class over a whole dataset (from accumulated TP/FP/FN). */
export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  iou: number;
  /** Truth pixels of this class. */
  support: number;
  /** False when the class is in neither prediction nor truth: its scores are 0 and it is left out of the means. */
  present: boolean;
}

export interface MetricsReport {
  perClass: ClassMetrics[];
  /** Means over the present classes among all 8. */
  meanF1: number;
  meanIoU: number;
  /** Means over the present face parts (the 7 classes without background). */
  meanF1Face: number;
  meanIoUFace: number;
  pixelAccuracy: number;
  /** confusion[truth][predicted], pixel counts. */
  confusion: number[][];
  pixels: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  valLoss: number | null;
  lr: number;
  seconds: number;
  /** Training-batch metrics accumulated over the epoch (augmented images, moving weights). */
  train: MetricsReport;
  val: MetricsReport | null;
}

export interface RunBest {
  epoch: number;
  valMeanIoU: number;
  valMeanF1Face: number;
}

export interface RunSummary {
  id: string;
  dir: string;
  status: RunStatus;
  model: string;
  inputSize: number;
  epochsPlanned: number;
  epochsDone: number;
  best: RunBest | null;
  createdAt: string;
  updatedAt: string;
  /** Wall-clock seconds spent training, over all sessions of the run. */
  seconds: number;
  backend: string;
  error: string | null;
  /** The run's time budget in minutes, null when it trains planned epochs. */
  minutes?: number | null;
  /** What the run started from (null: random weights). */
  lineage?: ModelLineage | null;
}

/** Where a model confidently contradicts a mask: the share of the face, and the class it is mostly about. */
export interface MaskDispute {
  share: number;
  classId: number;
}

export interface PerImageResult {
  /** Project image id, or null for a folder source. */
  imageId: number | null;
  name: string;
  /** Mean F1 over the face parts present in this image's truth or prediction. */
  f1Face: number;
  /** Mean per-pixel entropy of the predicted class distribution (nats): model uncertainty. */
  meanEntropy: number;
  /**
   * Where the model confidently (top probability ≥ 0.9) contradicts the mask: the share of the
   * face disputed and the class it is mostly about. A large one is often a mask error (a part left
   * unlabelled). Absent in reports made before it existed; null when the image has no face pixels.
   */
  dispute?: MaskDispute | null;
}

/** Evaluated images that the model was trained on (by content hash of the photo). */
export interface TrainingOverlap {
  count: number;
  /** Up to 50 of their names. */
  names: string[];
  /** Where the model's training manifest was read. */
  manifest: string;
}

export interface EvalReport {
  /** The model folder evaluated (a run checkpoint or a model dir). */
  model: string;
  /** What the evaluated model started from, when it records it. */
  lineage?: ModelLineage | null;
  /** Evaluated images that are among the model's training images; null when the model has no manifest. */
  overlap?: TrainingOverlap | null;
  split: string;
  images: number;
  inputSize: number;
  /** Whether predictions averaged the photo with its mirror image (test-time flip); absent in older reports: no. */
  flip?: boolean;
  /** Whether labels were scored at each photo's own size (probabilities resized) rather than at the input size. */
  fullResolution?: boolean;
  /** Seconds in the model (and the resize to full size), without decoding: the inference cost. */
  inferenceSeconds?: number;
  metrics: MetricsReport;
  perImage: PerImageResult[];
  seconds: number;
  backend: string;
}

export interface RunDetail {
  summary: RunSummary;
  config: RunConfig;
  history: EpochRecord[];
  eval: EvalReport | null;
}

export interface TrainingOptions {
  models: string[];
  defaultModel: string;
  recipes: Record<string, Partial<RunConfig>>;
  defaults: Omit<RunConfig, 'data'>;
  /** The defaults of a project data source (which splits train, which statuses count), without its folder. */
  projectData: Omit<z.output<typeof projectDataSchema>, 'kind' | 'dir'>;
}

const runId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/);
/** A run's new name (its folder under runs/): letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const runNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a run name is 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit')
  // A bundled model's name means that model wherever a model is named, so no run may take it.
  .refine((name) => !isBundledModelName(name), { message: `${BUNDLED_MODEL_NAMES.join(' and ')} name the bundled models; pick another run name` });

export const trainingMethods = {
  /** Registered models, training recipes and defaults: what the "start a run" form offers. */
  'training.options': method<TrainingOptions>()(z.object({}).strict()),
  /** Starts a run in the engine worker and returns at once; progress arrives as events. */
  'runs.start': method<RunSummary>()(
    // Every field has a default except `data`, which defaults to the session's project.
    // Model, input size and epochs may be left out: `init` then supplies the model and size (a
    // value that contradicts the init model is refused), `minutes` makes the epochs a cap. A
    // recipe (default `finetune` when `init` is given) fills the fields not given.
    z.object({ config: runStartConfigSchema }).strict(),
  ),
  /** Asks a running run to stop after the current batch; its last checkpoint is kept. */
  'runs.stop': method<RunSummary>()(z.object({ id: runId }).strict()),
  /** Continues a stopped run from its last checkpoint, optionally with more epochs. */
  'runs.resume': method<RunSummary>()(z.object({ id: runId, epochs: z.number().int().min(1).optional() }).strict()),
  'runs.list': method<RunSummary[]>()(z.object({}).strict()),
  'runs.get': method<RunDetail>()(z.object({ id: runId }).strict()),
  /**
   * Renames a run (its folder under runs/; the project's current model follows it). Refused for
   * a run being trained (`busy`) and for a name another run has (`conflict`).
   */
  'runs.rename': method<RunSummary>()(z.object({ id: runId, name: runNameSchema }).strict()),
  /** Deletes a run's folder. Refused for a run being trained and for the project's current model (`busy`). */
  'runs.delete': method<{ deleted: string }>()(z.object({ id: runId }).strict()),
  /** Evaluates a run's checkpoint (or a model folder) on a split of the project. */
  'eval.run': method<EvalReport>()(
    z
      .object({
        /** A run id of the project, or a model folder path. */
        model: z.string().min(1).max(MAX_PATH),
        checkpoint: z.enum(['best', 'last']).default('best'),
        split: z.enum(SPLITS).default('val'),
      })
      .strict(),
  ),
};

export interface RunBatchEvent {
  runId: string;
  epoch: number;
  /** 1-based within the epoch. */
  batch: number;
  batches: number;
  loss: number;
  /** Mean F1/IoU over face parts on this training batch. */
  meanF1Face: number;
  meanIoUFace: number;
  lr: number;
  imagesPerSecond: number;
  /** Estimated seconds to the end of the planned epochs. */
  etaSeconds: number;
}

export interface RunEpochEvent {
  runId: string;
  record: EpochRecord;
  /** This epoch set a new best val mean IoU. */
  isBest: boolean;
  etaSeconds: number;
}

export const trainingEvents = {
  'run.batch': event<RunBatchEvent>(),
  'run.epoch': event<RunEpochEvent>(),
  /** Any status change: started, stopping, stopped, finished, failed (with `summary.error`). */
  'run.status': event<{ runId: string; summary: RunSummary }>(),
  'eval.progress': event<{ done: number; total: number }>(),
};
