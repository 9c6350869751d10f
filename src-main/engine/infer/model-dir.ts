// A model folder: TensorFlow.js layers format (model.json + weights.bin) plus facet-model.json,
// which says how to feed the model (input size, classes, normalisation) and where it came from.
// Run checkpoints (runs/<id>/checkpoints/best|last) are model folders too. Writes go to a temp
// folder that replaces the old one by rename, so a kill leaves the old or the new checkpoint.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../contract/domain-error';
import { modelLineageSchema } from '../../contract/training';
import { tf } from '../tf';
import '../models/registry';
import { TTA_MODES } from './tta';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const META_JSON = 'facet-model.json';

const metaSchema = z.object({
  format: z.literal('facet-model/1'),
  model: z.string(),
  modelOptions: z.record(z.string(), z.unknown()).default({}),
  inputSize: z.number().int().positive(),
  numClasses: z.number().int().positive(),
  classNames: z.array(z.string()),
  /** How pixels are fed: RGB/255, then (x - mean) / std. */
  normalization: z.object({ mean: z.array(z.number()).length(3), std: z.array(z.number()).length(3) }),
  runId: z.string().nullable().default(null),
  epoch: z.number().int().nullable().default(null),
  savedAt: z.string(),
  /** What the model's run started from (null: random weights, or not recorded). */
  lineage: modelLineageSchema.nullable().optional(),
  /** Test-time augmentation predictions use unless told otherwise (`flip`: average with the mirror image). */
  tta: z.enum(TTA_MODES).optional(),
});
export type ModelMeta = z.infer<typeof metaSchema>;

export interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMeta;
  dir: string;
}

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const buffer = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return new Uint8Array(buffer);
}

/** Writes the folder's files into `dir` directly (the caller makes it atomic). */
async function writeModelFiles(model: tf.LayersModel, dir: string, meta: ModelMeta, extra: Record<string, Uint8Array>): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      await writeFile(join(dir, WEIGHTS_BIN), joinWeights(artifacts.weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  await writeFile(join(dir, META_JSON), JSON.stringify(meta, null, 1));
  for (const [name, bytes] of Object.entries(extra)) await writeFile(join(dir, name), bytes);
}

/** Saves `model` as the folder `dir`, replacing it atomically. `extra` files ride along (optimizer state). */
export async function saveModelDir(model: tf.LayersModel, dir: string, meta: ModelMeta, extra: Record<string, Uint8Array> = {}): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  const old = join(parent, `.${basename(dir)}.old-${tag}`);
  await mkdir(temp);
  try {
    await writeModelFiles(model, temp, meta, extra);
    if (existsSync(dir)) await rename(dir, old);
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

/** `dir`, or the previous version a kill left between the two renames of `saveModelDir`. */
async function resolveModelDir(dir: string): Promise<string> {
  if (existsSync(join(dir, MODEL_JSON))) return dir;
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.old-`;
  const olds = existsSync(parent) ? (await readdir(parent)).filter((f) => f.startsWith(prefix)) : [];
  if (olds[0] && existsSync(join(parent, olds[0], MODEL_JSON))) return join(parent, olds[0]);
  throw new DomainError({ code: 'not_found', field: 'model', file: join(dir, MODEL_JSON), message: `${dir}: not a model folder (no ${MODEL_JSON})` });
}

export async function readModelMeta(dir: string): Promise<ModelMeta> {
  const path = join(dir, META_JSON);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DomainError({ code: 'not_found', field: 'model', file: path, message: `${path}: cannot read model description (${(error as Error).message})` });
  }
  const parsed = metaSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError({ code: 'bad_file', file: path, message: `${path}: invalid model description (${parsed.error.issues[0]?.message ?? 'bad format'})` });
  return parsed.data;
}

/** Loads a model folder written by `saveModelDir` (or any layers model.json with a facet-model.json). */
export async function loadModelDir(dirIn: string): Promise<LoadedModel> {
  const dir = await resolveModelDir(dirIn);
  const meta = await readModelMeta(dir);
  const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
  const weights = await readFile(join(dir, WEIGHTS_BIN));
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  return { model, meta, dir };
}

/** An extra file saved beside the model (e.g. optimizer state), or null. */
export async function readExtra(dir: string, name: string): Promise<Uint8Array | null> {
  const path = join(await resolveModelDir(dir), name);
  return existsSync(path) ? new Uint8Array(await readFile(path)) : null;
}
