// Which model folder a model setting means: the one place that knows that a bare name is a run
// of the project (runs/<id>, whose checkpoint is used), that a run folder stands for its
// checkpoint, and where the default model lives. `facet segment`, `facet eval`, the editor's
// Predict, the batch panel and `eval.run` all resolve through here.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../contract/domain-error';
import { RUNS_DIR } from '../../dataset/store/store';
import { MODEL_JSON } from './model-dir';

/** The file that makes a folder a run folder. */
export const RUN_CONFIG = 'config.json';

export type CheckpointName = 'best' | 'last';

/** The model bundled with the app (resources/models/default). */
export const BUNDLED_MODEL_DIR = fileURLToPath(new URL('../../../resources/models/default', import.meta.url));

/** The default model folder; FACET_DEFAULT_MODEL_DIR overrides it (tests, custom installs). */
export function defaultModelDir(): string {
  return resolve(process.env.FACET_DEFAULT_MODEL_DIR || BUNDLED_MODEL_DIR);
}

export { RUNS_DIR };

export function runsDirOf(projectDir: string): string {
  return join(projectDir, RUNS_DIR);
}

export function checkpointDirOf(runDir: string, which: CheckpointName): string {
  return join(runDir, 'checkpoints', which);
}

export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, RUN_CONFIG));
}

/** A run id names runs/<id>; anything with a path separator (or absolute) is a folder path. */
function isBareName(model: string): boolean {
  return !isAbsolute(model) && !/[\\/]/.test(model) && model !== '.' && model !== '..';
}

export interface ModelChoice {
  /** A run id, a run folder or a model folder; none means the default model. */
  model?: string | null;
  /** The project whose runs a bare name means. */
  projectDir?: string | null;
  /** What a relative path is relative to (default: the working folder). */
  base?: string;
  checkpoint?: CheckpointName;
}

export interface ModelFolder {
  /** The model folder to load (model.json + weights). */
  dir: string;
  /** The run it belongs to, when the choice named a run. */
  runDir: string | null;
}

/** Where a choice points, not checked. */
export function locateModel(choice: ModelChoice): ModelFolder {
  const checkpoint = choice.checkpoint ?? 'best';
  const { model, projectDir } = choice;
  if (model === undefined || model === null) return { dir: defaultModelDir(), runDir: null };
  const path = projectDir && isBareName(model) ? join(runsDirOf(projectDir), model) : resolve(choice.base ?? process.cwd(), model);
  if (isRunDir(path) || (projectDir && isBareName(model))) return { dir: checkpointDirOf(path, checkpoint), runDir: path };
  return { dir: path, runDir: null };
}

/** Where a choice points, checked: a `not_found` DomainError naming the missing model.json otherwise. */
export function resolveModelFolder(choice: ModelChoice): ModelFolder {
  const located = locateModel(choice);
  const file = join(located.dir, MODEL_JSON);
  if (existsSync(file)) return located;
  const { model, projectDir } = choice;
  if (model === undefined || model === null) {
    throw new DomainError({
      code: 'not_found',
      file,
      message: `no model to use: there is no default model (${file} not found); train a model and use a run checkpoint (PROJECT/runs/ID/checkpoints/best) or a model folder, or install the default model`,
    });
  }
  const expected = projectDir ? `a run id under ${runsDirOf(projectDir)} with a ${choice.checkpoint ?? 'best'} checkpoint, or a model folder` : 'a run folder or a model folder';
  throw new DomainError({ code: 'not_found', file, message: `${file}: not found, so ${model} is not a model (expected ${expected})` });
}
