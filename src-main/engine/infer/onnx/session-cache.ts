// The onnxruntime session of a model used for many predictions, kept beside the model as
// graph-cache.ts keeps the fused graph: exported and opened on first use, again when the weights
// have been replaced since, released with the model. A model that does not export (or an
// onnxruntime that does not load) is remembered as such for its weights, so the caller falls back
// to tfjs without paying for the attempt on every batch.
import type { tf } from '../../tf';
import { sameStamp, weightStamp } from '../graph-cache';
import { createOnnxSession, type OnnxSession } from './session';

type Outcome = { ok: true; session: OnnxSession } | { ok: false; reason: string };

interface Entry {
  outcome: Promise<Outcome>;
  stamp: readonly object[];
}

const sessions = new WeakMap<tf.LayersModel, Entry>();
const hooked = new WeakSet<tf.LayersModel>();

function releaseWithModel(model: tf.LayersModel): void {
  if (hooked.has(model)) return;
  hooked.add(model);
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    void releaseOnnxSession(model);
    return dispose();
  };
}

async function open(model: tf.LayersModel): Promise<Outcome> {
  try {
    return { ok: true, session: await createOnnxSession(model) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The model's session for its current weights, or why there is none (owned by the cache). */
export function onnxSessionOf(model: tf.LayersModel): Promise<Outcome> {
  const stamp = weightStamp(model);
  const entry = sessions.get(model);
  if (entry && sameStamp(entry.stamp, stamp)) return entry.outcome;
  if (entry) void entry.outcome.then((o) => (o.ok ? o.session.release() : undefined));
  // Exported now, synchronously up to the first await, so the weights read are the stamped ones.
  const outcome = open(model);
  sessions.set(model, { outcome, stamp });
  releaseWithModel(model);
  return outcome;
}

/** Releases the model's session now, if any (the model itself is left alone). */
export async function releaseOnnxSession(model: tf.LayersModel): Promise<void> {
  const entry = sessions.get(model);
  sessions.delete(model);
  const o = await entry?.outcome;
  if (o?.ok) await o.session.release();
}
