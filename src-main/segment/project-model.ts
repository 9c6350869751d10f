// Which model a project predicts with: its current model (a run id under runs/, whose best
// checkpoint is used, or a model folder path), else the bundled default model. Loaded models are
// cached per folder so repeated "Predict" clicks in the editor do not reload weights.
import { statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ApiError } from '../contract/errors';
import { MODEL_JSON } from '../engine/infer/model-dir';
import { DEFAULT_MODEL_DIR, loadSegmentModel } from './model';
import type { ProbabilityModel } from './types';

/** The default model folder; FACET_DEFAULT_MODEL_DIR overrides it (tests, custom installs). */
export function defaultModelDir(): string {
  return resolve(process.env.FACET_DEFAULT_MODEL_DIR || DEFAULT_MODEL_DIR);
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** A run id names runs/<id>; anything with a path separator (or absolute) is a folder path. */
function looksLikeRunId(model: string): boolean {
  return !isAbsolute(model) && !/[\\/]/.test(model) && model !== '.' && model !== '..';
}

/** The folder a current-model setting points at (not checked). Relative paths are from the project. */
export function modelDirOf(projectDir: string, model: string): string {
  return looksLikeRunId(model) ? join(projectDir, 'runs', model, 'checkpoints', 'best') : resolve(projectDir, model);
}

/** The checked folder for a setting: bad_file naming the missing model.json otherwise. */
export async function checkedModelDir(projectDir: string, model: string): Promise<string> {
  const dir = modelDirOf(projectDir, model);
  const file = join(dir, MODEL_JSON);
  if (!(await exists(file))) {
    throw new ApiError({ code: 'bad_file', file, message: `${file}: not found, so ${model} is not a model (expected a run id under ${join(projectDir, 'runs')} with a best checkpoint, or a model folder)` });
  }
  return dir;
}

/** The model folder to predict with, or not_found saying how to get one. */
export async function resolveProjectModel(projectDir: string, currentModel: string | null): Promise<string> {
  if (currentModel !== null) return checkedModelDir(projectDir, currentModel);
  const dir = defaultModelDir();
  if (await exists(join(dir, MODEL_JSON))) return dir;
  throw new ApiError({
    code: 'not_found',
    message: `no model to predict with: the project has no current model and there is no default model (${join(dir, MODEL_JSON)}); train a model and use it as the current model, or install the default model`,
  });
}

/** Per folder: the load, stamped with model.json's mtime so a rewritten checkpoint reloads. */
const cache = new Map<string, { stamp: number; loading: Promise<ProbabilityModel> }>();

/** Loads a model folder once per version of its model.json; a failed load is not cached. */
export function cachedModel(dir: string): Promise<ProbabilityModel> {
  const stamp = statSync(join(dir, MODEL_JSON), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const entry = cache.get(dir);
  if (entry && entry.stamp === stamp) return entry.loading;
  if (entry) void entry.loading.then((m) => m.dispose(), () => undefined);
  const loading = loadSegmentModel(dir);
  cache.set(dir, { stamp, loading });
  loading.catch(() => {
    if (cache.get(dir)?.loading === loading) cache.delete(dir);
  });
  return loading;
}

/** Frees every cached model (tests, or when checkpoints are rewritten). */
export async function clearModelCache(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  for (const { loading } of all) (await loading.catch(() => null))?.dispose();
}
