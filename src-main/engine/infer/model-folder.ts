// Which model folder a model setting means: the one place that knows that a bare name is a run
// of the project (runs/<id>, whose checkpoint is used), that a run folder stands for its
// checkpoint, and where the bundled models (`default`, fast; `accurate`) live. `facet segment`, `facet eval`, the editor's
// Predict, the batch panel and `eval.run` all resolve through here.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../contract/domain-error';
import { isBundledModelName, type BundledModelName } from '../../contract/models';
import { RUNS_DIR } from '../../dataset/store/store';
import { MODEL_JSON } from './model-dir';

/** The file that makes a folder a run folder. */
export const RUN_CONFIG = 'config.json';

export type CheckpointName = 'best' | 'last';

/**
 * The models bundled with the app: resources/models/<name> at the app's root, found by walking up
 * from this module, so the same code finds it from the sources (src-main/engine/infer/) and from
 * electron-vite's bundle (out/main/), whose depth differs.
 */
function findResourcesModels(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, 'resources', 'models');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return fileURLToPath(new URL('../../../resources/models', import.meta.url));
}
const RESOURCES_MODELS = findResourcesModels();
export const BUNDLED_MODEL_DIR = join(RESOURCES_MODELS, 'default');

/** The variable that moves a bundled model's folder (tests, custom installs). */
export const bundledModelEnv = (name: BundledModelName): string => `FACET_${name.toUpperCase()}_MODEL_DIR`;

/** A bundled model's folder: resources/models/<name>, or where FACET_<NAME>_MODEL_DIR says. */
export function bundledModelDir(name: BundledModelName): string {
  return resolve(process.env[bundledModelEnv(name)] || join(RESOURCES_MODELS, name));
}

/** The default (fast) model folder; FACET_DEFAULT_MODEL_DIR overrides it. */
export function defaultModelDir(): string {
  return bundledModelDir('default');
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

/** The word that names the default model wherever a model is named. */
export const DEFAULT_MODEL_WORD = 'default';

/** A run id names runs/<id>; anything with a path separator (or absolute) is a folder path. */
function isBareName(model: string): boolean {
  return !isAbsolute(model) && !/[\\/]/.test(model) && model !== '.' && model !== '..';
}

export interface ModelChoice {
  /** A run id, a run folder, a model folder, `default` or `accurate`; none means the default model. */
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
  if (isBundledModelName(model)) return { dir: bundledModelDir(model), runDir: null };
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
  if (model === undefined || model === null || isBundledModelName(model)) {
    const name = model ?? DEFAULT_MODEL_WORD;
    throw new DomainError({
      code: 'not_found',
      file,
      message: `no model to use: there is no ${name} model (${file} not found); train a model and use a run checkpoint (PROJECT/runs/ID/checkpoints/best) or a model folder, or install the ${name} model (${bundledModelEnv(name)} may point at it)`,
    });
  }
  const expected = projectDir
    ? `a run id under ${runsDirOf(projectDir)} with a ${choice.checkpoint ?? 'best'} checkpoint, a model folder, ${DEFAULT_MODEL_WORD} or accurate`
    : `a run folder, a model folder, ${DEFAULT_MODEL_WORD} or accurate`;
  throw new DomainError({ code: 'not_found', file, message: `${file}: not found, so ${model} is not a model (expected ${expected})` });
}
