// What the bundled models are, read from their folders: the studio's models panel and batch
// room name them by what they are for (fast / accurate) with their size, flip and val score, so
// a user picks knowing the trade-off. A missing or damaged folder reads as not installed.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_MODEL_NAMES, type BundledModelInfo, type BundledModelName } from '../../contract/models';
import { bundledModelDir } from './model-folder';
import { MODEL_JSON, readModelMeta, WEIGHTS_BIN } from './model-dir';

/** The val report shipped beside a bundled model (written by `npm run train:default`). */
export const EVAL_VAL_JSON = 'eval-val.json';

/** The val mean F1 (face parts) an eval-val.json holds, or null if it holds none. */
async function valScore(dir: string): Promise<number | null> {
  try {
    const report = JSON.parse(await readFile(join(dir, EVAL_VAL_JSON), 'utf8')) as { metrics?: { meanF1Face?: unknown } };
    const v = report.metrics?.meanF1Face;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

export async function describeBundledModel(name: BundledModelName): Promise<BundledModelInfo> {
  const dir = bundledModelDir(name);
  const none: BundledModelInfo = { name, installed: false, architecture: null, inputSize: null, tta: null, valMeanF1Face: null, bytes: null };
  if (!existsSync(join(dir, MODEL_JSON))) return none;
  try {
    const meta = await readModelMeta(dir);
    const bytes = statSync(join(dir, WEIGHTS_BIN), { throwIfNoEntry: false })?.size ?? null;
    return { ...none, installed: true, architecture: meta.model, inputSize: meta.inputSize, tta: meta.tta ?? 'none', valMeanF1Face: await valScore(dir), bytes };
  } catch {
    return none;
  }
}

export function describeBundledModels(): Promise<BundledModelInfo[]> {
  return Promise.all(BUNDLED_MODEL_NAMES.map(describeBundledModel));
}
