// BatchNorm fused with the Activation layer after it (models/layers/activation.ts): a small
// conv → BN → act graph trained on wasm (fused) against the same graph on the cpu backend (tfjs's
// own ops, nothing fused): outputs and every weight's gradient agree; a BN whose output has two
// consumers is not fused; inference and saving are unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../../src-main/engine/backend';
import { setKernelVariant } from '../../../../src-main/engine/kernels/simd/module';
import { Activation } from '../../../../src-main/engine/models/layers/activation';
import { BatchNormalization } from '../../../../src-main/engine/models/layers/batch-norm';
import { act, bn, conv } from '../../../../src-main/engine/models/layers/blocks';
import { tf } from '../../../../src-main/engine/tf';
import { randomTensor, relDiff, reloaded, seeded } from '../../kernels/compare';

/** conv → BN → relu6 → conv → BN → swish → conv → BN → relu, and a BN read by both an add and a relu. */
function build(): tf.LayersModel {
  const input = tf.input({ shape: [9, 9, 3] });
  let x = act(bn(conv(input, { filters: 8, kernel: 3 }, 'c1'), 'b1'), 'relu6', 'a1');
  x = act(bn(conv(x, { filters: 6, kernel: 3 }, 'c2'), 'b2'), 'swish', 'a2');
  x = act(bn(conv(x, { filters: 5, kernel: 1 }, 'c3'), 'b3'), 'relu', 'a3');
  const shared = bn(conv(x, { filters: 5, kernel: 1 }, 'c4'), 'b4');
  const out = tf.layers.add().apply([act(shared, 'relu', 'a4'), shared]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

interface Outcome {
  /** Kernels of one training-mode forward pass. */
  kernels: string[];
  y: Float32Array;
  grads: Map<string, Float32Array>;
  moving: Float32Array[];
}

async function trainStep(backend: string, weights: tf.Tensor[], x: tf.Tensor, w: tf.Tensor): Promise<Outcome> {
  await tf.setBackend(backend);
  const model = build();
  model.setWeights(weights);
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, vars);
  let y: tf.Tensor | null = null;
  const profile = await tf.profile(() => {
    y = model.apply(x, { training: true }) as tf.Tensor;
    return y;
  });
  const out: Outcome = { kernels: profile.kernels.map((k) => k.name), y: (await y!.data()) as Float32Array, grads: new Map(), moving: [] };
  for (const [i, v] of vars.entries()) out.grads.set(model.trainableWeights[i]!.originalName, (await grads[v.name]!.data()) as Float32Array);
  for (const v of model.nonTrainableWeights) out.moving.push((await v.read().data()) as Float32Array);
  tf.dispose([value, y!, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('BatchNorm fused with the activation after it', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterAll(() => setKernelVariant(null));

  it('fuses only a BN whose one consumer is a relu / relu6 / swish Activation', () => {
    const model = build();
    const fused = Object.fromEntries(['b1', 'b2', 'b3', 'b4'].map((n) => [n, (model.getLayer(n) as BatchNormalization).activationToFuse()]));
    expect(fused).toEqual({ b1: 'relu6', b2: 'swish', b3: 'relu', b4: 'linear' });
    expect(model.getLayer('a1')).toBeInstanceOf(Activation);
    model.dispose();
  });

  it('trains to the same outputs, gradients and moving statistics as unfused tfjs on cpu', async () => {
    const r = seeded(11);
    const x = randomTensor([3, 9, 9, 3], r);
    const w = randomTensor([3, 9, 9, 5], r);
    // Weights drawn once; BN γ large enough that relu6's upper edge is crossed.
    const template = build();
    const weights = template.getWeights().map((t, i) => {
      const name = template.weights[i]!.originalName;
      if (name.endsWith('gamma')) return tf.tidy(() => tf.add(tf.mul(randomTensor(t.shape, r), 4), 0.5));
      if (name.endsWith('moving_variance')) return tf.ones(t.shape);
      return randomTensor(t.shape, r);
    });
    template.dispose();
    const expected = await trainStep('cpu', weights, x, w);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const ours = await trainStep('wasm', weights, x, w);
    expect(tf.memory().numTensors).toBe(before);
    expect(relDiff(ours.y, expected.y)).toBeLessThan(1e-4);
    expect([...ours.grads.keys()]).toEqual([...expected.grads.keys()]);
    for (const [name, g] of expected.grads) expect(relDiff(ours.grads.get(name)!, g), name).toBeLessThan(1e-3);
    for (const [i, m] of expected.moving.entries()) expect(relDiff(ours.moving[i]!, m)).toBeLessThan(1e-4);
    // On wasm the three activations ran inside the BN kernel; only b4's relu (two consumers) ran alone.
    const count = (k: Outcome, name: string) => k.kernels.filter((n) => n === name).length;
    expect([count(ours, 'Relu6'), count(ours, 'FacetSwish'), count(ours, 'Relu'), count(ours, 'FacetBatchNormTrain')]).toEqual([0, 0, 1, 4]);
    expect(count(expected, 'Relu6')).toBe(1);
    tf.dispose([x, w, ...weights]);
  });

  it('leaves inference to the unfused layers (predict is the same with the fast paths on and off)', async () => {
    await tf.setBackend('wasm');
    const model = build();
    const x = randomTensor([2, 9, 9, 3], seeded(5));
    const a = model.predict(x) as tf.Tensor;
    await tf.setBackend('cpu');
    const b = model.predict(x) as tf.Tensor;
    expect(relDiff(await a.data(), await b.data())).toBeLessThan(1e-4);
    tf.dispose([a, b, x]);
    model.dispose();
    await tf.setBackend('wasm');
  });

  it('saves as Activation and loads back as the fusing class', async () => {
    const model = build();
    expect(JSON.stringify(model.toJSON(null, false))).toContain('"class_name":"Activation"');
    const loaded = await reloaded(model);
    expect(loaded.getLayer('a2')).toBeInstanceOf(Activation);
    expect((loaded.getLayer('b2') as BatchNormalization).activationToFuse()).toBe('swish');
    model.dispose();
    loaded.dispose();
  });
});
