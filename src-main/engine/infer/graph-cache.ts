// The fused inference graph of a model used for many predictions (a loaded model folder, a model
// scored every epoch): compiled on first use, kept beside the model, compiled again when the
// weights have been replaced since (every assign or setWeights gives a weight a new data id, so
// the check is a few hundred pointer comparisons per batch), and freed with the model: the
// model's own dispose() is wrapped once, so every owner that already disposes its model (segment
// cache, eval, training loop, engine workers, tests) frees the graph too without knowing of it.
import { tf } from '../tf';
import { compileFusedGraph, type FusedGraph } from './fused-graph';

interface Entry {
  graph: FusedGraph;
  /** The weights' data ids when the graph was compiled. */
  stamp: readonly object[];
}

const graphs = new WeakMap<tf.LayersModel, Entry>();
const hooked = new WeakSet<tf.LayersModel>();

/** The weights' data ids: a new one after every assign or setWeights. */
export function weightStamp(model: tf.LayersModel): object[] {
  return model.weights.map((w) => w.read().dataId);
}

export function sameStamp(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function freeWithModel(model: tf.LayersModel): void {
  if (hooked.has(model)) return;
  hooked.add(model);
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    releaseFusedGraph(model);
    return dispose();
  };
}

/** The model's fused graph for its current weights (owned by the cache, not the caller). */
export function fusedGraphOf(model: tf.LayersModel): FusedGraph {
  const stamp = weightStamp(model);
  const entry = graphs.get(model);
  if (entry && sameStamp(entry.stamp, stamp)) return entry.graph;
  entry?.graph.dispose();
  const graph = compileFusedGraph(model);
  graphs.set(model, { graph, stamp });
  freeWithModel(model);
  return graph;
}

/** Frees the model's cached graph now, if any (the model itself is left alone). */
export function releaseFusedGraph(model: tf.LayersModel): void {
  graphs.get(model)?.graph.dispose();
  graphs.delete(model);
}
