// The direct atrous op (dilated XNNPACK conv forward and input gradient, the SIMD filter gradient
// with dilation) against AtrousConv2D's space-to-batch path on the cpu backend: output and the
// gradients for x and the kernel, on random shapes, and no leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { AtrousConv2D } from '../../../src-main/engine/models/layers/atrous-conv2d';
import { tf } from '../../../src-main/engine/tf';
import { randomTensor, relDiff, seeded } from './compare';


async function run(layer: AtrousConv2D, x: tf.Tensor, w: tf.Tensor): Promise<Float32Array[]> {
  const kernel = layer.trainableWeights[0]!.read() as tf.Variable;
  const f = (t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, w));
  const y = layer.apply(x) as tf.Tensor;
  const dx = tf.grad(f)(x);
  const { grads, value } = tf.variableGrads(() => f(x) as tf.Scalar, [kernel]);
  const out = [y, dx, grads[kernel.name]!].map((t) => t.dataSync() as Float32Array);
  tf.dispose([y, dx, value, ...Object.values(grads)]);
  return out;
}

describe('atrous conv without reshuffles', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  const cases: Array<{ x: [number, number, number, number]; filters: number; rate: number; k: number }> = [
    { x: [2, 9, 9, 5], filters: 4, rate: 2, k: 3 },
    { x: [3, 7, 10, 3], filters: 6, rate: 3, k: 3 },
    { x: [2, 16, 16, 8], filters: 8, rate: 6, k: 3 },
    { x: [1, 5, 5, 2], filters: 3, rate: 4, k: 3 },
    { x: [2, 11, 8, 4], filters: 5, rate: 2, k: 5 },
  ];
  for (const [i, c] of cases.entries()) {
    it(`matches the space-to-batch path on cpu: x ${c.x.join('x')} rate ${c.rate} k ${c.k}`, async () => {
      const r = seeded(60 + i);
      const x = randomTensor(c.x, r);
      const w = randomTensor([...c.x.slice(0, 3), c.filters], r);
      const kernel = randomTensor([c.k, c.k, c.x[3], c.filters], r);
      const make = () => {
        const layer = new AtrousConv2D({ filters: c.filters, kernelSize: c.k, rate: c.rate });
        layer.apply(tf.input({ shape: c.x.slice(1) }));
        layer.setWeights([kernel]);
        return layer;
      };
      await tf.setBackend('cpu');
      const cpuLayer = make();
      const expected = await run(cpuLayer, x, w);
      cpuLayer.dispose();
      await tf.setBackend('wasm');
      const layer = make();
      const before = tf.memory().numTensors;
      const ours = await run(layer, x, w);
      expect(tf.memory().numTensors).toBe(before);
      layer.dispose();
      for (let k = 0; k < 3; k++) expect(relDiff(ours[k]!, expected[k]!)).toBeLessThan(1e-5);
      tf.dispose([x, w, kernel]);
    });
  }
});
