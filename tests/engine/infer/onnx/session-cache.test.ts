// The onnxruntime session is made once per model and weights: reused while the weights stay,
// made again after they change (and then gives the new weights' output), released with the model.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../../src-main/engine/backend/index';
import { buildModel } from '../../../../src-main/engine/models/registry';
import { onnxSessionOf } from '../../../../src-main/engine/infer/onnx/session-cache';
import { tf } from '../../../../src-main/engine/tf';

const SIZE = 32;

describe('onnx session cache', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  it('reuses the session for the same weights and makes a new one after setWeights', async () => {
    const model = buildModel('unet', { inputSize: SIZE, numClasses: 8, seed: 3, options: { widths: [4, 8] } });
    const first = await onnxSessionOf(model);
    const again = await onnxSessionOf(model);
    if (!first.ok || !again.ok) throw new Error('unet should export');
    expect(again.session).toBe(first.session);
    const x = tf.tidy(() => tf.randomUniform([1, SIZE, SIZE, 3], 0, 1, 'float32', 1).dataSync() as Float32Array);
    const before = await first.session.run(x, 1);
    const other = buildModel('unet', { inputSize: SIZE, numClasses: 8, seed: 9, options: { widths: [4, 8] } });
    model.setWeights(other.getWeights());
    const next = await onnxSessionOf(model);
    if (!next.ok) throw new Error('unet should export');
    expect(next.session).not.toBe(first.session);
    const after = await next.session.run(x, 1);
    const reference = tf.tidy(() => (model.predict(tf.tensor4d(x, [1, SIZE, SIZE, 3])) as tf.Tensor).dataSync() as Float32Array);
    expect(after.some((v, i) => Math.abs(v - before[i]!) > 1e-3)).toBe(true);
    expect(after.every((v, i) => Math.abs(v - reference[i]!) <= 1e-4)).toBe(true);
    // The old session was released when the new one replaced it.
    await new Promise((r) => setTimeout(r, 0));
    await expect(first.session.run(x, 1)).rejects.toThrow(/used after release/);
    model.dispose();
    await new Promise((r) => setTimeout(r, 0));
    await expect(next.session.run(x, 1)).rejects.toThrow(/used after release/);
    other.dispose();
  });
});
