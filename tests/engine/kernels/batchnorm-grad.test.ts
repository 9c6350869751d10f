// The leaner FusedBatchNorm gradient gives what tfjs's own gives, for every input, on a
// BatchNormalization-shaped case (per-channel statistics from the batch itself) and when the
// statistics are independent inputs.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { tfjsFusedBatchNormGrad } from '../../../src-main/engine/kernels/wasm/FusedBatchNormGrad';
import { tf } from '../../../src-main/engine/tf';
import { maxAbsDiff, randomTensor, seeded } from './compare';

type Inputs = [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];

function gradients(inputs: Inputs, fromBatch: boolean): Float32Array[] {
  const w = randomTensor(inputs[0].shape, seeded(5));
  const f = (x: tf.Tensor4D, mean: tf.Tensor1D, variance: tf.Tensor1D, scale: tf.Tensor1D, offset: tf.Tensor1D) => {
    const m = fromBatch ? tf.moments(x, [0, 1, 2]) : { mean, variance };
    return tf.sum(tf.mul(tf.batchNorm(x, m.mean, m.variance, offset, scale, 1e-3), w));
  };
  const grads = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)(inputs);
  const out = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose([...grads, w]);
  return out;
}

describe('FusedBatchNorm gradient', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  for (const fromBatch of [true, false]) {
    for (const backend of ['cpu', 'wasm']) {
      it(`matches tfjs's own on ${backend} (statistics ${fromBatch ? 'from the batch' : 'as inputs'})`, async () => {
        await tf.setBackend(backend);
        const r = seeded(fromBatch ? 1 : 2);
        const inputs: Inputs = [
          tf.add(randomTensor([3, 5, 4, 6], r), 2) as tf.Tensor4D,
          randomTensor([6], r) as tf.Tensor1D,
          tf.add(tf.abs(randomTensor([6], r)), 0.5) as tf.Tensor1D,
          randomTensor([6], r) as tf.Tensor1D,
          randomTensor([6], r) as tf.Tensor1D,
        ];
        const ours = gradients(inputs, fromBatch);
        const lean = tf.getGradient('FusedBatchNorm');
        tf.registerGradient(tfjsFusedBatchNormGrad()!);
        const theirs = gradients(inputs, fromBatch);
        tf.registerGradient(lean);
        for (let i = 0; i < ours.length; i++) expect(maxAbsDiff(ours[i]!, theirs[i]!)).toBeLessThan(2e-3);
        tf.dispose(inputs);
        await tf.setBackend('wasm');
      });
    }
  }

  it('leaves no tensors behind', async () => {
    const x = randomTensor([2, 3, 3, 4], seeded(3)) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor4D) => {
      const m = tf.moments(t, [0, 1, 2]);
      return tf.sum(tf.batchNorm(t, m.mean, m.variance, undefined, undefined, 1e-3).square());
    })(x);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
