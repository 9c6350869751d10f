// How a model setting reads to a person: the project's current model is a run id, a model
// folder, the word `default` or nothing (which also means the bundled model).
import type { ModelLineage } from '@contract/training';

/** The word the host takes for the bundled model. */
export const BUNDLED_MODEL = 'default';

export function isBundled(model: string | null | undefined): boolean {
  return model == null || model === BUNDLED_MODEL;
}

/** `bundled model`, `run <id>` or the model folder's last part. */
export function modelLabel(model: string | null | undefined): string {
  if (isBundled(model)) return 'bundled model';
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
    const name = l.name === BUNDLED_MODEL ? 'bundled model' : l.runId ? `run ${l.runId}` : l.name;
    out.push(`${name} (${l.model} · ${l.inputSize} px · weights ${l.weightsSha256.slice(0, 8)})`);
  }
  return out;
}
