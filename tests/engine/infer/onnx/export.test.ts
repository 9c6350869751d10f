// Every registered model exports to ONNX and onnxruntime gives model.predict's probabilities
// (batch norms perturbed so the folding shows); a layer the exporter does not map is a clear
// error naming it, and inference then falls back to the fused tfjs graph.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../../src-main/engine/backend/index';
import { buildModel, modelNames } from '../../../../src-main/engine/models/registry';
import { exportOnnx, UnsupportedLayerError } from '../../../../src-main/engine/infer/onnx/export';
import { createOnnxSession } from '../../../../src-main/engine/infer/onnx/session';
import { inferChoice, runModel } from '../../../../src-main/engine/infer/runtime';
import { tf } from '../../../../src-main/engine/tf';

const SIZE = 64;

/** Seeded random BN statistics, far from the 1/0 defaults, so a wrong fold shows. */
function perturbBatchNorms(model: tf.LayersModel, seed: number): void {
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.getWeights().map((w, i) => tf.randomUniform(w.shape, i === 1 || i === 2 ? -0.5 : 0.5, 1.5, 'float32', seed + 7 * count + i));
    layer.setWeights(values);
    tf.dispose(values);
    count++;
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** A model with a LeakyReLU, which the exporter does not map. */
function leakyModel(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }).apply(input) as tf.SymbolicTensor;
  const l = tf.layers.leakyReLU({ alpha: 0.1, name: 'leaky' }).apply(c) as tf.SymbolicTensor;
  const o = tf.layers.conv2d({ filters: 8, kernelSize: 1, name: 'logits' }).apply(l) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.softmax({ axis: -1, name: 'probs' }).apply(o) as tf.SymbolicTensor, name: 'leaky-net' });
}

describe('ONNX export', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterEach(() => {
    delete process.env['FACET_INFER'];
  });

  for (const name of modelNames) {
    it(`onnxruntime matches model.predict for ${name}`, async () => {
      const model = buildModel(name, { inputSize: SIZE, numClasses: 8, seed: 5 });
      perturbBatchNorms(model, 11);
      const x = tf.randomUniform([2, SIZE, SIZE, 3], -2, 2, 'float32', 3) as tf.Tensor4D;
      const reference = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
      const session = await createOnnxSession(model);
      expect(session.outputShape).toEqual([SIZE, SIZE, 8]);
      const y = await session.run(x.dataSync() as Float32Array, 2);
      expect(maxAbsDiff(y, reference)).toBeLessThanOrEqual(1e-4);
      await session.release();
      x.dispose();
      model.dispose();
    });
  }

  it('exports every model without a Transpose after the softmax (the model output is NHWC already)', () => {
    const model = buildModel('unet', { inputSize: SIZE, numClasses: 8, seed: 1 });
    const { ops } = exportOnnx(model);
    // One into NCHW at the input, one into NHWC before the softmax.
    expect(ops['Transpose']).toBe(2);
    expect(ops['Softmax']).toBe(1);
    model.dispose();
  });

  it('names the layer it cannot map', () => {
    const model = leakyModel();
    let error: unknown;
    try {
      exportOnnx(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    expect((error as UnsupportedLayerError).layerName).toBe('leaky');
    expect((error as Error).message).toMatch(/layer "leaky" \(LeakyReLU\) has no ONNX mapping/);
    model.dispose();
  });

  it('falls back to the fused tfjs graph for such a model, and FACET_INFER=onnx fails with the reason', async () => {
    const model = leakyModel();
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const reference = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
    const input = x.dataSync() as Float32Array;
    const out = await runModel(model, input, 2, 16, 'auto');
    expect(out.runtime).toBe('tfjs');
    expect(out.fallback).toMatch(/leaky/);
    expect(maxAbsDiff(out.data, reference)).toBeLessThanOrEqual(1e-5);
    await expect(runModel(model, input, 2, 16, 'onnx')).rejects.toThrow(/FACET_INFER=onnx: .*"leaky" \(LeakyReLU\)/);
    x.dispose();
    model.dispose();
  });

  it('runs a model that exports on onnxruntime by default on wasm, and on tfjs when FACET_INFER=tfjs', async () => {
    const model = buildModel('unet', { inputSize: SIZE, numClasses: 8, seed: 2 });
    const x = tf.tidy(() => tf.randomUniform([1, SIZE, SIZE, 3], 0, 1, 'float32', 4).dataSync() as Float32Array);
    const onnx = await runModel(model, x, 1, SIZE);
    expect(onnx).toMatchObject({ runtime: 'onnx', fallback: null, classes: 8 });
    process.env['FACET_INFER'] = 'tfjs';
    const tfjs = await runModel(model, x, 1, SIZE);
    expect(tfjs.runtime).toBe('tfjs');
    expect(maxAbsDiff(onnx.data, tfjs.data)).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });

  it('refuses a FACET_INFER it does not know, naming it', () => {
    expect(inferChoice({ FACET_INFER: 'ONNX' })).toBe('onnx');
    expect(inferChoice({})).toBe('auto');
    expect(() => inferChoice({ FACET_INFER: 'torch' })).toThrow(/FACET_INFER=torch: expected tfjs, onnx or auto/);
  });
});
