// A model's cached fused graph: reused while the weights stay, compiled again when they change
// (as between training epochs), and freed when the model is.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { fusedGraphOf, releaseFusedGraph } from '../../../src-main/engine/infer/graph-cache';
import { buildModel } from '../../../src-main/engine/models/registry';
import { tf } from '../../../src-main/engine/tf';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('fused graph cache', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  it('follows weight changes and is freed with the model', () => {
    const before = tf.memory().numTensors;
    const model = buildModel('unet', { inputSize: 32, numClasses: 8, seed: 2, options: { widths: [4, 8] } });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const first = fusedGraphOf(model);
    expect(fusedGraphOf(model)).toBe(first);

    // New weights (what an optimizer step or setWeights does): the graph is compiled again.
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    const values = bn.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', i));
    bn.setWeights(values);
    tf.dispose(values);
    const second = fusedGraphOf(model);
    expect(second).not.toBe(first);
    expect(() => first.predict(x)).toThrow(/after dispose/);
    const [a, b] = [second.predict(x), tf.tidy(() => model.predict(x) as tf.Tensor)];
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4);
    tf.dispose([a, b, x]);

    model.dispose();
    expect(() => second.predict(x)).toThrow(/after dispose/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('can be released without the model', () => {
    const model = buildModel('unet', { inputSize: 32, numClasses: 8, options: { widths: [4, 8] } });
    const withModel = tf.memory().numTensors;
    const graph = fusedGraphOf(model);
    releaseFusedGraph(model);
    expect(tf.memory().numTensors).toBe(withModel);
    expect(fusedGraphOf(model)).not.toBe(graph);
    model.dispose();
  });
});
