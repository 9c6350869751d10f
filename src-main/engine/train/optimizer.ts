// Optimizers of a run (SGD, SGD with momentum, Adam), a learning-rate setter that works for each,
// and their state as bytes for checkpoints. tfjs optimizers match slots to variables by position,
// so the variable list must keep the model's trainableWeights order (it does: see step.ts).
import type { RunConfig } from '../../contract/training';
import { tf } from '../tf';

export function makeOptimizer(cfg: Pick<RunConfig, 'optimizer' | 'lr' | 'momentum'>): tf.Optimizer {
  if (cfg.optimizer === 'adam') return tf.train.adam(cfg.lr);
  return cfg.momentum > 0 ? tf.train.momentum(cfg.lr, cfg.momentum) : tf.train.sgd(cfg.lr);
}

export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // (`instanceof` is unreliable here: tfjs's optimizer classes answer it by duck typing.)
  const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void };
  if (typeof sgd.setLearningRate === 'function') {
    sgd.setLearningRate(lr);
  } else {
    // Adam reads `learningRate` at every step; it has no public setter.
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  }
}

export interface OptimizerState {
  specs: tf.io.WeightsManifestEntry[];
  data: Uint8Array;
}

export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights makes a fresh scalar for the iteration count; the rest are the live slot variables.
  for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  const buffer = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return { specs, data: new Uint8Array(buffer) };
}

export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const buffer = state.data.buffer.slice(state.data.byteOffset, state.data.byteOffset + state.data.byteLength) as ArrayBuffer;
  const map = tf.io.decodeWeights(buffer, state.specs);
  // decodeWeights keeps the specs' order, which is getWeights' order. setWeights replaces the
  // slot variables without freeing them, and makes its new ones share the decoded data (or only
  // reads the iteration count): both the old slots and the decoded tensors go.
  const old = await optimizer.getWeights();
  try {
    await optimizer.setWeights(state.specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
    tf.dispose(old.map((w) => w.tensor));
  } finally {
    tf.dispose(Object.values(map));
  }
}
