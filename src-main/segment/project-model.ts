// Which model a project predicts with: its current model (a run id under runs/, whose best
// checkpoint is used, or a model folder path), else the bundled default model. Loaded models are
// cached per folder so repeated "Predict" clicks in the editor do not reload weights.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../contract/domain-error';
import { MODEL_JSON, resolveModelFolder } from '../engine/index';
import { loadSegmentModel } from './model';
import type { ProbabilityModel } from './types';

/**
 * The checked folder for a project's model setting (a run id of the project or a folder path
 * relative to it). A setting that points at no model is a bad reference: `bad_file` naming the
 * missing model.json.
 */
export function checkedModelDir(projectDir: string, model: string): string {
  try {
    return resolveModelFolder({ model, projectDir, base: projectDir }).dir;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') throw new DomainError({ ...error.toData(), code: 'bad_file' });
    throw error;
  }
}

/** The model folder to predict with: the project's current model, else the default model. */
export function resolveProjectModel(projectDir: string, currentModel: string | null): string {
  if (currentModel !== null) return checkedModelDir(projectDir, currentModel);
  return resolveModelFolder({ model: null }).dir;
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
