// The bundled model (resources/models/default) loads with Facet's layer classes (the one-op
// relu6, the fused-training BatchNormalization) and predicts exactly what the previous paths
// (tfjs-layers' own, with the fast paths switched off) predict: to float rounding, since the fast
// paths' direct conv kernel uses fused multiply-adds in the relaxed-SIMD build.
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { loadModelDir } from '../../../src-main/engine/infer/model-dir';
import { setFastPathsEnabled } from '../../../src-main/engine/kernels/switch';
import { BatchNormalization } from '../../../src-main/engine/models/layers/batch-norm';
import { tf } from '../../../src-main/engine/tf';

const BUNDLED = fileURLToPath(new URL('../../../resources/models/default', import.meta.url));

describe('bundled model with the fast paths', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterEach(() => setFastPathsEnabled(true));

  it('loads with the fused classes and predicts identically to the previous paths', async () => {
    const { model } = await loadModelDir(BUNDLED);
    const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(bns.length).toBeGreaterThan(0);
    expect(bns.every((l) => l instanceof BatchNormalization)).toBe(true);
    const size = model.inputs[0]!.shape[1]!;
    const x = tf.randomUniform([2, size, size, 3], -1, 1, 'float32', 7);
    setFastPathsEnabled(false);
    const before = model.predict(x) as tf.Tensor;
    setFastPathsEnabled(true);
    const after = model.predict(x) as tf.Tensor;
    const [a, b] = [(await after.data()) as Float32Array, (await before.data()) as Float32Array];
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    // Probabilities: a wrong layer would move them by far more than rounding does.
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([x, before, after]);
    model.dispose();
  });
});
