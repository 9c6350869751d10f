// The fused BatchNorm training path (SIMD kernels + the BatchNormalization subclass) against
// tfjs-layers' own training path on the cpu backend: output, gradients for x, γ and β, and the
// moving statistics, on random shapes; no leaks; the saved format is unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { batchNormTrain } from '../../../src-main/engine/kernels/batchnorm-train';
import { KERNEL_VARIANTS, setKernelVariant } from '../../../src-main/engine/kernels/simd/module';
import { BatchNormalization } from '../../../src-main/engine/models/layers/batch-norm';
import { tf } from '../../../src-main/engine/tf';
import { randomTensor, relDiff, reloaded, seeded } from './compare';

interface Outcome {
  y: Float32Array;
  grads: Float32Array[];
  moving: Float32Array[];
}

/** One training-mode application of a BN layer with set weights; gradients of Σ y·w. */
async function train(layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor): Promise<Outcome> {
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, vars);
  value.dispose();
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, w)))(x);
  const out: Outcome = {
    y: (await y.data()) as Float32Array,
    grads: [(await dx.data()) as Float32Array, ...(await Promise.all(vars.map(async (v) => (await grads[v.name]!.data()) as Float32Array)))],
    moving: await Promise.all(layer.nonTrainableWeights.map(async (v) => (await v.read().data()) as Float32Array)),
  };
  tf.dispose([y, dx, ...Object.values(grads)]);
  return out;
}


describe('fused BatchNorm training', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterAll(() => setKernelVariant(null));

  const shapes = [[2, 5, 7, 3], [3, 9, 9, 13], [4, 6, 5, 144], [2, 3, 3, 8], [5, 6], [2, 1, 1, 4]];
  // Both builds of the SIMD kernels (plain and relaxed SIMD).
  for (const variant of KERNEL_VARIANTS) for (const [i, shape] of shapes.entries()) {
    it(`matches tfjs-layers on cpu: output, dx, dγ, dβ, moving stats, [${shape}] (${variant} SIMD build)`, async () => {
      setKernelVariant(variant);
      const r = seeded(40 + i);
      const c = shape[shape.length - 1]!;
      // An offset and a spread per channel, so the statistics are not trivial.
      const x = tf.tidy(() => tf.add(tf.mul(randomTensor(shape, r), tf.add(tf.abs(randomTensor([c], r)), 0.5)), randomTensor([c], r).mul(3)));
      const w = randomTensor(shape, r);
      const init = [tf.add(randomTensor([c], r), 1.5), randomTensor([c], r), randomTensor([c], r), tf.add(tf.abs(randomTensor([c], r)), 0.5)];
      const run = async (backend: string, fused: boolean) => {
        await tf.setBackend(backend);
        const layer = fused ? new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 }) : tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
        layer.apply(tf.input({ shape: shape.slice(1) }));
        layer.setWeights(init);
        const outcome = await train(layer, x, w);
        layer.dispose();
        return outcome;
      };
      const expected = await run('cpu', false);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const ours = await run('wasm', true);
      expect(tf.memory().numTensors).toBe(before);
      expect(relDiff(ours.y, expected.y)).toBeLessThan(1e-5);
      for (let g = 0; g < 3; g++) expect(relDiff(ours.grads[g]!, expected.grads[g]!)).toBeLessThan(1e-4);
      // Three training applications each: the moving averages moved three times.
      for (let m = 0; m < 2; m++) expect(relDiff(ours.moving[m]!, expected.moving[m]!)).toBeLessThan(1e-5);
      tf.dispose([x, w, ...init]);
    });
  }

  // The activation run inside the kernels, against act(BN(x)) composed of tfjs ops on cpu; channel
  // counts off a multiple of 4 take the tail lanes; γ spreads y past relu6's upper edge.
  const activations = { relu: (t: tf.Tensor) => tf.relu(t), relu6: (t: tf.Tensor) => tf.relu6(t), swish: (t: tf.Tensor) => tf.mul(t, tf.sigmoid(t)) };
  for (const variant of KERNEL_VARIANTS) for (const [name, fn] of Object.entries(activations)) for (const shape of [[3, 9, 9, 13], [2, 6, 5, 16]]) {
    it(`with ${name} fused: output, dx, dγ, dβ as act(BN(x)) on cpu, [${shape}] (${variant} SIMD build)`, async () => {
      setKernelVariant(variant);
      const r = seeded(70 + shape[3]!);
      const c = shape[3]!;
      const x = tf.tidy(() => tf.add(tf.mul(randomTensor(shape, r), 2), randomTensor([c], r)));
      const w = randomTensor(shape, r);
      const gamma = tf.tidy(() => tf.add(tf.mul(randomTensor([c], r), 4), 0.5)) as tf.Tensor1D;
      const beta = tf.mul(randomTensor([c], r), 2) as tf.Tensor1D;
      const loss = (f: (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => tf.grads((t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(t, g, b), w)));
      const reference = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const m = tf.moments(t, [0, 1, 2]);
        return fn(tf.batchNorm(t, m.mean, m.variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3));
      };
      const fused = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const out = batchNormTrain(t, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3, name as 'relu' | 'relu6' | 'swish');
        tf.dispose([out.mean, out.variance]);
        return out.y;
      };
      const values = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
      await tf.setBackend('cpu');
      const yRef = reference(x, gamma, beta);
      const expected = await values([yRef, ...loss(reference)([x, gamma, beta])]);
      await tf.setBackend('wasm');
      const yOurs = fused(x, gamma, beta);
      const ours = await values([yOurs, ...loss(fused)([x, gamma, beta])]);
      if (name === 'relu6') {
        expect(expected[0]!.some((v) => v === 6)).toBe(true);
        expect(expected[0]!.some((v) => v === 0)).toBe(true);
      }
      expect(relDiff(ours[0]!, expected[0]!)).toBeLessThan(1e-5);
      for (let g = 1; g < 4; g++) expect(relDiff(ours[g]!, expected[g]!)).toBeLessThan(1e-4);
      tf.dispose([x, w, gamma, beta, yRef, yOurs]);
    });
  }

  it('the op alone leaves nothing behind but its results', () => {
    const x = randomTensor([2, 4, 4, 6], seeded(3));
    const g = tf.ones([6]) as tf.Tensor1D;
    const b = tf.zeros([6]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((t: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const r = batchNormTrain(t, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-3);
      tf.dispose([r.mean, r.variance]);
      return tf.sum(tf.square(r.y));
    })([x, g, b]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
  });

  it('saves as BatchNormalization and loads back as the fused class', async () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const model = tf.model({ inputs: input, outputs: new BatchNormalization({ name: 'bn' }).apply(input) as tf.SymbolicTensor });
    const json = JSON.stringify(model.toJSON(null, false));
    expect(json).toContain('"class_name":"BatchNormalization"');
    const loaded = await reloaded(model);
    expect(loaded.getLayer('bn')).toBeInstanceOf(BatchNormalization);
    model.dispose();
    loaded.dispose();
  });
});
