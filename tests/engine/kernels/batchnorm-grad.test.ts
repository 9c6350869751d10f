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
  const [x, mean, variance, scale, offset] = inputs;
  const loss = (t: tf.Tensor4D, m: tf.Tensor1D, v: tf.Tensor1D, g: tf.Tensor1D, b: tf.Tensor1D) =>
    tf.sum(tf.mul(tf.batchNorm(t, m, v, b, g, 1e-3), w));
  // Statistics from the batch: they are functions of x (as in BatchNormalization training).
  const grads = fromBatch
    ? tf.grads((t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const m = tf.moments(t, [0, 1, 2]);
        return loss(t as tf.Tensor4D, m.mean as tf.Tensor1D, m.variance as tf.Tensor1D, g as tf.Tensor1D, b as tf.Tensor1D);
      })([x, scale, offset])
    : tf.grads((...a: tf.Tensor[]) => loss(...(a as Inputs)))([x, mean, variance, scale, offset]);
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
    const gamma = tf.ones([4]);
    const before = tf.memory().numTensors;
    const gs = tf.grads((t: tf.Tensor, g: tf.Tensor) => {
      const m = tf.moments(t, [0, 1, 2]);
      return tf.sum(tf.batchNorm(t as tf.Tensor4D, m.mean, m.variance, tf.zerosLike(g) as tf.Tensor1D, g as tf.Tensor1D, 1e-3).square());
    })([x, gamma]);
    tf.dispose(gs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma]);
  });
});
