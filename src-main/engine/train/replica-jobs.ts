// Data-parallel training, worker side. Each engine worker holds one replica of the model, built
// from the weights the host sends (so fresh and resumed runs start the same way), computes the
// loss and gradients of its share of each batch (in micro-batches that fit its heap), and
// applies the averaged gradients and BatchNorm statistics the host sends back — the same update
// in every replica keeps them equal. Each worker has its own single-threaded wasm heap (wasm32
// caps a heap at 4 GB, which batch 8 at 256² exceeds in one), and every op — not only
// XNNPACK's convolutions — runs on all cores.
import type { LossWeights } from '../losses/index';
import { makeLoss } from '../losses/index';
import { fusedGraphOf } from '../infer/graph-cache';
import { countMacs } from '../models/flops';
import { buildModel } from '../models/registry';
import { tf } from '../tf';
import { modelScorer, type BatchScore } from './evaluate';
import { batchGradients } from './gradients';
import { freezeBatchNormStatistics } from './freeze-bn';
import { chooseMicroBatch } from './heap-budget';
import { randomBatch, type RandomBatch } from './random-batch';
import { makeOptimizer, restoreOptimizerState, saveOptimizerState, setLearningRate, type OptimizerState } from './optimizer';
import { defineJob } from '../worker/protocol';

export interface ReplicaSpec {
  model: string;
  modelOptions?: Record<string, number | number[] | string | boolean>;
  size: number;
  classes: number;
  seed: number;
  loss: LossWeights;
  optimizer: { optimizer: 'sgd' | 'adam'; lr: number; momentum: number };
  /** Starting weights in `model.getWeights()` order (else the seed's initialisation). */
  weights?: Float32Array[];
  optimizerState?: OptimizerState;
  /** Largest shard this replica will get: the micro-batch is chosen for it. */
  maxShard: number;
  /** Fixed micro-batch (else measured: heap-budget.ts). */
  microBatch?: number;
  /** BatchNorm layers normalise with (and keep) their moving statistics while training. */
  freezeBatchNorm?: boolean;
}

export interface ReplicaInfo {
  parameters: number;
  gflopsPerImage: number;
  microBatch: number;
  bytesPerImage: number | null;
}

interface Replica {
  spec: ReplicaSpec;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  variables: tf.Variable[];
  loss: ReturnType<typeof makeLoss>;
  microBatch: number;
}

let replica: Replica | null = null;

function current(): Replica {
  if (replica === null) throw new Error('no model replica in this worker (run dp.setup first)');
  return replica;
}

export const setupJob = defineJob<ReplicaSpec, ReplicaInfo>({
  name: 'dp.setup',
  async run(spec) {
    if (replica) {
      replica.model.dispose();
      replica.optimizer.dispose();
      replica = null;
    }
    const model = buildModel(spec.model, { inputSize: spec.size, numClasses: spec.classes, seed: spec.seed, options: spec.modelOptions ?? {} });
    if (spec.weights) {
      const shapes = model.weights.map((w) => w.read().shape);
      if (spec.weights.length !== shapes.length) throw new Error(`dp.setup: ${spec.weights.length} weights for a model with ${shapes.length}`);
      const tensors = spec.weights.map((w, i) => tf.tensor(w, shapes[i]!));
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    if (spec.freezeBatchNorm) freezeBatchNormStatistics(model);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = makeOptimizer(spec.optimizer);
    if (spec.optimizerState && spec.optimizerState.specs.length > 0) await restoreOptimizerState(optimizer, spec.optimizerState);
    const loss = makeLoss(spec.loss, spec.classes);
    const choice = spec.microBatch !== undefined
      ? { microBatch: spec.microBatch, bytesPerImage: null }
      : await chooseMicroBatch(model, loss, spec.size, spec.maxShard, spec.classes);
    replica = { spec, model, optimizer, variables, loss, microBatch: choice.microBatch };
    return {
      parameters: variables.reduce((n, v) => n + v.size, 0),
      gflopsPerImage: (2 * countMacs(model)) / 1e9,
      ...choice,
    };
  },
});

/** A share of a batch: given pixels/labels (NHWC, [n, size, size]), or `random` (seeded) ones. */
export type Shard = { x: Float32Array; y: Int32Array; count: number } | { random: number; count: number };

// Seeded random shards (benchmarks) are made once per seed: see random-batch.ts.
const randomShards = new Map<string, RandomBatch>();

function shardArrays(r: Replica, shard: Shard): RandomBatch {
  if (!('random' in shard)) return shard;
  const { size, classes } = r.spec;
  const key = `${shard.random}:${shard.count}:${size}:${classes}`;
  let arrays = randomShards.get(key);
  if (!arrays) {
    if (randomShards.size >= 4) randomShards.clear();
    arrays = randomBatch(shard.count, size, classes, shard.random);
    randomShards.set(key, arrays);
  }
  return arrays;
}

export interface ShardGradients {
  loss: number;
  predicted: Int32Array;
  gradients: Float32Array[];
  /** BatchNorm moving statistics after this shard's forward pass (model.nonTrainableWeights order). */
  stats: Float32Array[];
}

export const gradientsJob = defineJob<Shard, ShardGradients>({
  name: 'dp.gradients',
  async run(shard) {
    const r = current();
    const { x, y } = shardArrays(r, shard);
    const result = await batchGradients(r.model, r.loss, r.variables, x, y, shard.count, r.spec.size, r.microBatch);
    try {
      const gradients = await Promise.all(result.gradients.map(async (g) => (await g.data()) as Float32Array));
      const stats = await Promise.all(r.model.nonTrainableWeights.map(async (w) => (await w.read().data()) as Float32Array));
      return { loss: result.loss, predicted: result.predicted!, gradients, stats };
    } finally {
      tf.dispose(result.gradients);
    }
  },
});

export const applyJob = defineJob<{ gradients: Float32Array[]; stats: Float32Array[]; lr: number }, { applied: number }>({
  name: 'dp.apply',
  async run({ gradients, stats, lr }) {
    const r = current();
    if (gradients.length !== r.variables.length) throw new Error(`dp.apply: ${gradients.length} gradients for ${r.variables.length} variables`);
    setLearningRate(r.optimizer, lr);
    const named: Record<string, tf.Tensor> = {};
    r.variables.forEach((v, i) => (named[v.name] = tf.tensor(gradients[i]!, v.shape)));
    r.optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    r.model.nonTrainableWeights.forEach((w, i) => {
      const t = tf.tensor(stats[i]!, w.read().shape);
      w.write(t);
      t.dispose();
    });
    return { applied: gradients.length };
  },
});

export const scoreJob = defineJob<Shard, BatchScore>({
  name: 'dp.score',
  async run(shard) {
    const r = current();
    const { x, y } = shardArrays(r, shard);
    return modelScorer(r.model, r.loss)(x, y, shard.count, r.spec.size);
  },
});

export const predictJob = defineJob<Shard, { probabilities: Float32Array; ms: number }>({
  name: 'dp.predict',
  async run(shard) {
    const r = current();
    const { x } = shardArrays(r, shard);
    const t0 = performance.now();
    const input = tf.tensor4d(x, [shard.count, r.spec.size, r.spec.size, 3]);
    const graph = fusedGraphOf(r.model);
    const out = tf.tidy(() => graph.predict(input));
    input.dispose();
    const probabilities = (await out.data()) as Float32Array;
    out.dispose();
    return { probabilities, ms: performance.now() - t0 };
  },
});

/** The replica's weights (`model.getWeights()` order) and optimizer state: checkpoints and checks. */
export const stateJob = defineJob<Record<string, never>, { weights: Float32Array[]; optimizer: OptimizerState }>({
  name: 'dp.state',
  async run() {
    const r = current();
    const weights = await Promise.all(r.model.weights.map(async (w) => (await w.read().data()) as Float32Array));
    return { weights, optimizer: await saveOptimizerState(r.optimizer) };
  },
});
