// relu6 as one op: the activation class registered under `relu6`, its SIMD gradient kernel
// against tfjs's own formulation (minimum(6, relu(x))) on the cpu backend, and the Identity that
// shares buffers instead of copying.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { RELU6_GRAD } from '../../../src-main/engine/kernels/wasm/Relu6Grad';
import { Relu6 } from '../../../src-main/engine/models/layers/relu6';
import { tf } from '../../../src-main/engine/tf';
import { maxAbsDiff, randomTensor, seeded } from './compare';

/** Values spread over [-4, 10], with exact 0s and 6s (the edges). */
function activations(shape: number[], seed: number): tf.Tensor {
  const r = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 6 : i % 11 === 0 ? 0 : r() * 14 - 4)), shape);
}

async function layersGradient(x: tf.Tensor, dy: tf.Tensor): Promise<Float32Array> {
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.minimum(6, tf.relu(t)), dy)))(x);
  const v = (await g.data()) as Float32Array;
  g.dispose();
  return v;
}

describe('relu6 as one op', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  const shapes = [[2, 5, 7, 3], [3, 9, 9, 13], [1, 1, 1, 1], [4, 6, 5, 144], [2, 3]];
  for (const [i, shape] of shapes.entries()) {
    it(`gradient kernel matches tfjs-layers' formulation on cpu, [${shape}]`, async () => {
      const x = activations(shape, 10 + i);
      const dy = randomTensor(shape, seeded(20 + i));
      await tf.setBackend('cpu');
      const expected = await layersGradient(x, dy);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const out = tf.engine().runKernel(RELU6_GRAD, { dy, x }) as tf.Tensor;
      expect(maxAbsDiff((await out.data()) as Float32Array, expected)).toBe(0);
      out.dispose();
      // And through the registered gradient of tf.relu6.
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu6(t), dy)))(x);
      expect(maxAbsDiff((await g.data()) as Float32Array, expected)).toBe(0);
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, dy]);
    });
  }

  it('the gradient falls back to tfjs ops on other backends, with the same edges', async () => {
    const x = activations([2, 4, 4, 3], 3);
    const dy = randomTensor([2, 4, 4, 3], seeded(4));
    await tf.setBackend('cpu');
    const expected = await layersGradient(x, dy);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu6(t), dy)))(x);
    expect(maxAbsDiff((await g.data()) as Float32Array, expected)).toBe(0);
    tf.dispose([g, x, dy]);
    await tf.setBackend('wasm');
  });

  it('Activation layers named relu6 use the one-op class and still serialise as relu6', () => {
    const input = tf.input({ shape: [4, 4, 2] });
    const out = tf.layers.activation({ activation: 'relu6', name: 'a' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const layer = model.getLayer('a') as unknown as { activation: unknown };
    expect(layer.activation).toBeInstanceOf(Relu6);
    expect(JSON.stringify(model.toJSON(null, false))).toContain('"activation":"relu6"');
    const x = activations([2, 4, 4, 2], 5);
    const y = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(y.dataSync(), tf.clipByValue(x, 0, 6).dataSync())).toBe(0);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('Identity shares the buffer: clones outlive their source, nothing leaks', async () => {
    const buffers = tf.engine().backend.numDataIds();
    const tensors = tf.memory().numTensors;
    const x = randomTensor([3, 5, 7], seeded(9));
    const expected = x.dataSync().slice();
    const c = x.clone();
    expect(tf.engine().backend.numDataIds()).toBe(buffers + 1);
    x.dispose();
    expect(maxAbsDiff((await c.data()) as Float32Array, expected)).toBe(0);
    c.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
