// Data-parallel training and inference, worker side. Each engine worker holds one replica of
// the model (built from the same seed, so replicas start identical), computes the loss and
// gradients of its share of the batch, and applies the averaged gradients the host sends back —
// the same SGD update in every replica keeps their weights equal. Each worker has its own
// single-threaded wasm heap (wasm32 caps a heap at 4 GB, which batch 8 at 256² exceeds in one),
// and every op — not only XNNPACK's convolutions — runs on both cores.
import { ORIGINAL_LOSS, makeLoss } from '../../losses/index';
import { countMacs } from '../../models/flops';
import { buildModel } from '../../models/registry';
import { tf } from '../../tf';
import { defineJob } from '../protocol';

export interface ReplicaSpec {
  model: string;
  size: number;
  classes: number;
  seed: number;
  lr: number;
}

interface Replica {
  spec: ReplicaSpec;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  variables: tf.Variable[];
  loss: ReturnType<typeof makeLoss>;
}

let replica: Replica | null = null;

function current(): Replica {
  if (replica === null) throw new Error('no model replica in this worker (run dp.setup first)');
  return replica;
}

export const setupJob = defineJob<ReplicaSpec, { parameters: number; gflopsPerImage: number }>({
  name: 'dp.setup',
  async run(spec) {
    if (replica) {
      replica.model.dispose();
      replica.optimizer.dispose();
    }
    const model = buildModel(spec.model, { inputSize: spec.size, numClasses: spec.classes, seed: spec.seed });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    replica = { spec, model, optimizer: tf.train.sgd(spec.lr), variables, loss: makeLoss(ORIGINAL_LOSS, spec.classes) };
    return { parameters: variables.reduce((n, v) => n + v.size, 0), gflopsPerImage: (2 * countMacs(model)) / 1e9 };
  },
});

/** A batch: given pixels/labels, or `random` (seeded) images of the replica's size. */
export type Shard = { images: Float32Array; labels: Int32Array; count: number } | { random: number; count: number };

function shardTensors(r: Replica, shard: Shard): { x: tf.Tensor4D; y: tf.Tensor3D } {
  const { size, classes } = r.spec;
  if ('random' in shard) {
    return tf.tidy(() => ({
      x: tf.randomUniform([shard.count, size, size, 3], 0, 1, 'float32', shard.random) as tf.Tensor4D,
      y: tf.randomUniform([shard.count, size, size], 0, classes, 'int32', shard.random + 1) as tf.Tensor3D,
    }));
  }
  return { x: tf.tensor4d(shard.images, [shard.count, size, size, 3]), y: tf.tensor3d(shard.labels, [shard.count, size, size], 'int32') };
}

export const gradientsJob = defineJob<Shard, { loss: number; gradients: Float32Array[] }>({
  name: 'dp.gradients',
  async run(shard) {
    const r = current();
    const { x, y } = shardTensors(r, shard);
    try {
      const { value, grads } = tf.variableGrads(() => r.loss(r.model.apply(x, { training: true }) as tf.Tensor, y), r.variables);
      const gradients = await Promise.all(r.variables.map(async (v) => (await grads[v.name]!.data()) as Float32Array));
      const loss = (await value.data())[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, gradients };
    } finally {
      tf.dispose([x, y]);
    }
  },
});

export const applyJob = defineJob<{ gradients: Float32Array[] }, { applied: number }>({
  name: 'dp.apply',
  async run({ gradients }) {
    const r = current();
    if (gradients.length !== r.variables.length) throw new Error(`dp.apply: ${gradients.length} gradients for ${r.variables.length} variables`);
    const named: Record<string, tf.Tensor> = {};
    r.variables.forEach((v, i) => (named[v.name] = tf.tensor(gradients[i]!, v.shape)));
    r.optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    return { applied: gradients.length };
  },
});

export const predictJob = defineJob<Shard, { probabilities: Float32Array; ms: number }>({
  name: 'dp.predict',
  async run(shard) {
    const r = current();
    const { x, y } = shardTensors(r, shard);
    try {
      const t0 = performance.now();
      const out = r.model.predict(x) as tf.Tensor;
      const probabilities = (await out.data()) as Float32Array;
      out.dispose();
      return { probabilities, ms: performance.now() - t0 };
    } finally {
      tf.dispose([x, y]);
    }
  },
});

/** Weights of the replica, for checks that replicas stay equal. */
export const weightsJob = defineJob<Record<string, never>, { weights: Float32Array[] }>({
  name: 'dp.weights',
  async run() {
    const r = current();
    return { weights: await Promise.all(r.variables.map(async (v) => (await v.data()) as Float32Array)) };
  },
});
