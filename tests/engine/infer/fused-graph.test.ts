// The fused inference graph gives model.predict's probabilities for every registered model (BN
// statistics perturbed so the folding really does something), falls back to the layer itself for
// anything it does not recognise, and owns exactly the tensors it frees.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { compileFusedGraph, type FusedGraph } from '../../../src-main/engine/infer/fused-graph';
import { buildModel, modelNames } from '../../../src-main/engine/models/registry';
import { tf } from '../../../src-main/engine/tf';

const SIZE = 64;

/** Seeded random BN statistics, far from the 1/0 defaults, so a wrong fold shows. */
function perturbBatchNorms(model: tf.LayersModel, seed: number): number {
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', seed + 7 * count + i));
    // Centred weights (beta, moving mean) may be negative too.
    const shifted = values.map((v, i) => (i === 1 || i === 2 ? tf.sub(v, 1) : v));
    layer.setWeights(shifted);
    tf.dispose([...values, ...shifted]);
    count++;
  }
  return count;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Fused output vs model.predict for one batch; checks no tensor is left behind. */
function compare(model: tf.LayersModel, graph: FusedGraph, x: tf.Tensor4D): number {
  const reference = tf.tidy(() => model.predict(x) as tf.Tensor);
  const before = tf.memory().numTensors;
  const fused = graph.predict(x);
  expect(fused.shape).toEqual(reference.shape);
  const diff = maxAbsDiff(reference, fused);
  fused.dispose();
  expect(tf.memory().numTensors).toBe(before);
  reference.dispose();
  return diff;
}

describe('fused inference graph', () => {
  beforeAll(async () => {
    const info = await initEngine({ backend: 'wasm', threads: 1 });
    expect(info.backend).toBe('wasm');
  });

  for (const name of modelNames) {
    it(`matches model.predict for ${name}`, () => {
      const model = buildModel(name, { inputSize: SIZE, numClasses: 8, seed: 5 });
      const bns = perturbBatchNorms(model, 11);
      const x = tf.randomUniform([2, SIZE, SIZE, 3], -2, 2, 'float32', 3) as tf.Tensor4D;
      const graph = compileFusedGraph(model);
      expect(graph.stats).not.toBeNull();
      expect(graph.stats!.foldedBatchNorms).toBeGreaterThan(0);
      expect(graph.stats!.foldedBatchNorms).toBeLessThanOrEqual(bns);
      expect(compare(model, graph, x)).toBeLessThanOrEqual(1e-4);
      graph.dispose();
      x.dispose();
      model.dispose();
    });
  }

  it('folds every BN of DeepLabV3+ MobileNetV2 and upsamples PSPNet\'s head last', () => {
    const deeplab = buildModel('deeplabv3plus-mobilenetv2', { inputSize: SIZE, numClasses: 8 });
    const bns = deeplab.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
    const a = compileFusedGraph(deeplab);
    expect(a.stats!.foldedBatchNorms).toBe(bns);
    const psp = buildModel('pspnet-resnet50', { inputSize: SIZE, numClasses: 8 });
    const b = compileFusedGraph(psp);
    expect(b.stats!.upsampledLast).toBeGreaterThanOrEqual(1);
    [a, b, deeplab, psp].forEach((d) => d.dispose());
  });

  it('applies what it does not recognise as the layer itself', () => {
    const input = tf.input({ shape: [16, 16, 4] });
    const apply = <T extends tf.SymbolicTensor | tf.SymbolicTensor[]>(layer: tf.layers.Layer, x: T) => layer.apply(x) as tf.SymbolicTensor;
    // A conv whose output is read twice: its BN cannot be folded.
    const c1 = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'shared_conv' }), input);
    const b1 = apply(tf.layers.batchNormalization({ name: 'bn_after_shared' }), c1);
    const sum = apply(tf.layers.add({}), [c1, b1]);
    // BN after a non-conv, then tanh and relu6 outside any conv.
    const b2 = apply(tf.layers.batchNormalization({ name: 'bn_after_add' }), sum);
    const t = apply(tf.layers.activation({ activation: 'tanh' }), b2);
    const r6 = apply(tf.layers.activation({ activation: 'relu6' }), t);
    // A conv with a non-fusable activation, a strided valid conv + BN + sigmoid layer.
    const sw = apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'swish' }), r6);
    const c2 = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: true }), sw);
    const s2 = apply(tf.layers.activation({ activation: 'sigmoid' }), apply(tf.layers.batchNormalization({}), c2));
    // Depthwise with multiplier 2 + BN + ReLU layer; natively dilated conv + BN; dropout (identity).
    const dw = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), s2);
    const d2 = apply(tf.layers.reLU({ maxValue: 6 }), apply(tf.layers.batchNormalization({}), dw));
    const dil = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same' }), d2);
    const dr = apply(tf.layers.dropout({ rate: 0.5 }), apply(tf.layers.batchNormalization({}), dil));
    // A 3x3 conv over a nearest-upsampled wide map (upsampled last), then a 1x1 over a bilinear one.
    const wide = apply(tf.layers.conv2d({ filters: 128, kernelSize: 1 }), dr);
    const up1 = apply(tf.layers.upSampling2d({ size: [2, 2] }), wide);
    const c3 = apply(tf.layers.activation({ activation: 'relu' }), apply(tf.layers.batchNormalization({}), apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }), up1)));
    const up2 = apply(tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }), c3);
    const logits = apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, useBias: true }), up2);
    const out = apply(tf.layers.batchNormalization({ name: 'bn_output' }), logits);
    const model = tf.model({ inputs: input, outputs: out });
    perturbBatchNorms(model, 21);
    const x = tf.randomNormal([3, 16, 16, 4], 0, 1, 'float32', 4) as tf.Tensor4D;
    const graph = compileFusedGraph(model);
    const stats = graph.stats!;
    expect(stats.eagerLayers).toBeGreaterThanOrEqual(6);
    expect(stats.upsampledLast).toBe(2);
    expect(compare(model, graph, x)).toBeLessThanOrEqual(1e-4);
    graph.dispose();
    x.dispose();
    model.dispose();
  });

  it('runs a model of another shape through model.predict', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const a = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const two = tf.model({ inputs: input, outputs: [a, b] });
    const graph = compileFusedGraph(two);
    expect(graph.stats).toBeNull();
    graph.dispose();
    two.dispose();
  });

  it('owns its folded weights: dispose frees them, and they outlive a tidy it was compiled in', () => {
    const model = buildModel('unet', { inputSize: 32, numClasses: 8, options: { widths: [4, 8] } });
    const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    let graph!: FusedGraph;
    tf.tidy(() => {
      graph = compileFusedGraph(model);
    });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    expect(compare(model, graph, x)).toBeLessThanOrEqual(1e-4);
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => graph.predict(x)).toThrow(/after dispose/);
    x.dispose();
    model.dispose();
  });

  it('says which input does not fit', () => {
    const model = buildModel('unet', { inputSize: 32, numClasses: 8, options: { widths: [4, 8] } });
    const graph = compileFusedGraph(model);
    const x = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    expect(() => graph.predict(x)).toThrow('input of shape [1, 16, 16, 3] does not fit the model\'s [?, 32, 32, 3]');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    graph.dispose();
    model.dispose();
  });
});
