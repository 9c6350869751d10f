// How a model setting reads to a person: the project's current model is a run id, a model
// folder, a bundled model's name (`default`: fast, `accurate`) or nothing (the fast one).
import { isBundledModelName, type BundledModelName } from '@contract/models';
import type { ModelLineage } from '@contract/training';

/** The word the host takes for the bundled (fast) default model. */
export const BUNDLED_MODEL = 'default';

/** Which bundled model a setting means, or null for a run or a folder. */
export function bundledName(model: string | null | undefined): BundledModelName | null {
  if (model == null) return 'default';
  return isBundledModelName(model) ? model : null;
}

/** The bundled default model (also what no setting means). */
export function isBundled(model: string | null | undefined): boolean {
  return bundledName(model) === 'default';
}

/** What each bundled model is called on screen. */
export const BUNDLED_LABELS: Record<BundledModelName, string> = { default: 'bundled fast model', accurate: 'bundled accurate model' };

/** `bundled fast model`, `bundled accurate model`, `run <id>` or the model folder's last part. */
export function modelLabel(model: string | null | undefined): string {
  const bundled = bundledName(model);
  if (bundled) return BUNDLED_LABELS[bundled];
  const m = model as string;
  if (!/[\\/]/.test(m)) return `run ${m}`;
  const parts = m.split(/[\\/]+/).filter(Boolean);
  return `model ${parts.at(-1) ?? m}`;
}

/** A lineage as one line, newest first: `default (deeplabv3plus-mobilenetv2 · 256) ← …`. */
export function lineageChain(lineage: ModelLineage | null | undefined): string[] {
  const out: string[] = [];
  for (let l = lineage ?? null; l; l = l.parent) {
    // The bundled model was itself made by a run: it is named as what the user chose.
    const bundled = isBundledModelName(l.name) ? l.name : null;
    const name = bundled ? BUNDLED_LABELS[bundled] : l.runId ? `run ${l.runId}` : l.name;
    out.push(`${name} (${l.model} · ${l.inputSize} px · weights ${l.weightsSha256.slice(0, 8)})`);
  }
  return out;
}
