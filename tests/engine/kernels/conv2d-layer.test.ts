// Facet's Conv2D layer trains through tf.conv2d on wasm: same output and gradients as tfjs-layers'
// fused path on cpu, no input gradient for a layer fed by the model input, nothing leaked, and the
// class saves and loads as Conv2D.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { Conv2D } from '../../../src-main/engine/models/layers/conv2d';
import { tf } from '../../../src-main/engine/tf';
import { randomTensor, relDiff, reloaded, seeded } from './compare';


describe('Conv2D layer through tf.conv2d', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  const cases: Array<{ x: [number, number, number, number]; filters: number; k: number; s: number; bias: boolean; pad: 'same' | 'valid' }> = [
    { x: [2, 9, 9, 3], filters: 4, k: 3, s: 2, bias: false, pad: 'same' },
    { x: [3, 8, 7, 5], filters: 6, k: 1, s: 1, bias: true, pad: 'same' },
    { x: [2, 10, 11, 4], filters: 3, k: 3, s: 1, bias: true, pad: 'valid' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`matches tfjs-layers' fused path on cpu: x ${c.x.join('x')} k ${c.k} s ${c.s} bias ${c.bias}`, async () => {
      const r = seeded(80 + i);
      const x = randomTensor(c.x, r);
      const weights = [randomTensor([c.k, c.k, c.x[3], c.filters], r), ...(c.bias ? [randomTensor([c.filters], r)] : [])];
      const args = { filters: c.filters, kernelSize: c.k, strides: c.s, padding: c.pad, useBias: c.bias };
      const run = async (layer: tf.layers.Layer) => {
        layer.apply(tf.input({ shape: c.x.slice(1) }));
        layer.setWeights(weights);
        const w = randomTensor(tf.tidy(() => (layer.apply(x) as tf.Tensor).shape), seeded(5));
        const f = (t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, w)) as tf.Scalar;
        const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => f(x), vars);
        const dx = tf.grad(f)(x);
        const out = [value, dx, ...vars.map((v) => grads[v.name]!)].map((t) => t.dataSync().slice());
        tf.dispose([value, dx, w, ...Object.values(grads)]);
        layer.dispose();
        return out;
      };
      await tf.setBackend('cpu');
      const expected = await run(tf.layers.conv2d(args));
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const ours = await run(new Conv2D(args));
      expect(tf.memory().numTensors).toBe(before);
      for (let k = 0; k < expected.length; k++) expect(relDiff(ours[k]!, expected[k]!)).toBeLessThan(1e-5);
      tf.dispose([x, ...weights]);
    });
  }

  it('computes no input gradient for the first layer, and saves and loads as Conv2D', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const model = tf.model({ inputs: input, outputs: new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'c' }).apply(input) as tf.SymbolicTensor });
    const x = randomTensor([2, 8, 8, 3], seeded(1));
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = prof.kernels.map((k) => k.name);
    expect(names).toContain('Conv2DBackpropFilter');
    expect(names).not.toContain('Conv2DBackpropInput');
    expect(JSON.stringify(model.toJSON(null, false))).toContain('"class_name":"Conv2D"');
    const loaded = await reloaded(model);
    expect(loaded.getLayer('c')).toBeInstanceOf(Conv2D);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });
});
