// The fused loss (one SIMD pass each way, losses/fused.ts) against the tfjs composition on the
// cpu backend: value and gradient for the probabilities, with and without class weights, various
// term weights, probabilities at the clip edges and labels outside the classes; no leaks.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { setFastPathsEnabled } from '../../../src-main/engine/kernels/switch';
import { canFuseLoss } from '../../../src-main/engine/losses/fused';
import { makeLoss, type LossWeights } from '../../../src-main/engine/losses/index';
import { tf } from '../../../src-main/engine/tf';
import { seeded } from '../kernels/compare';

function inputs(shape: [number, number, number, number], seed: number): { probs: tf.Tensor; labels: tf.Tensor } {
  const r = seeded(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const C = shape[3];
  const logits = tf.tensor(Float32Array.from({ length: n }, () => (r() - 0.5) * 12), shape);
  const soft = tf.softmax(logits);
  const values = soft.dataSync().slice();
  // Edges: a pixel certain of its class (p = 1, others 0) and a 1e-9 probability below the clip.
  values.fill(0, 0, C);
  values[0] = 1;
  values[C + 1] = 1e-9;
  const probs = tf.tensor(values, shape);
  const pixels = n / C;
  const labels = tf.tensor(Int32Array.from({ length: pixels }, (_, i) => (i === 2 ? -1 : i === 3 ? C : Math.floor(r() * C))), shape.slice(0, 3), 'int32');
  tf.dispose([logits, soft]);
  return { probs, labels };
}

async function valueAndGrad(w: LossWeights, C: number, probs: tf.Tensor, labels: tf.Tensor): Promise<[number, Float32Array]> {
  const loss = makeLoss(w, C);
  const { value, grads } = tf.valueAndGrads((p: tf.Tensor) => loss(p, labels))([probs]);
  const out: [number, Float32Array] = [(await value.data())[0]!, (await grads[0]!.data()) as Float32Array];
  tf.dispose([value, ...grads]);
  return out;
}

describe('fused loss', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterEach(() => setFastPathsEnabled(true));

  const base: LossWeights = { ce: 1, dice: 1, jaccard: 1, focalGamma: 0, classWeights: null };
  const variants: Array<[string, LossWeights, [number, number, number, number]]> = [
    ['original CE + Dice + Jaccard', base, [2, 9, 7, 8]],
    ['class weights', { ...base, classWeights: [1, 2, 0.5, 3, 1, 1, 0, 2] }, [3, 5, 5, 8]],
    ['CE only', { ...base, dice: 0, jaccard: 0 }, [2, 4, 6, 5]],
    ['Dice and Jaccard weighted', { ...base, ce: 0, dice: 2, jaccard: 0.5 }, [1, 8, 8, 3]],
  ];
  for (const [name, w, shape] of variants) {
    it(`matches the tfjs composition on cpu: ${name}, [${shape}]`, async () => {
      const { probs, labels } = inputs(shape, shape[1] * 7 + shape[3]);
      await tf.setBackend('cpu');
      const [v0, g0] = await valueAndGrad(w, shape[3], probs, labels);
      await tf.setBackend('wasm');
      expect(canFuseLoss(probs, w, shape[3])).toBe(true);
      const before = tf.memory().numTensors;
      const [v1, g1] = await valueAndGrad(w, shape[3], probs, labels);
      expect(tf.memory().numTensors).toBe(before);
      expect(Math.abs(v1 - v0)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v0)));
      let d = 0;
      let s = 0;
      for (let i = 0; i < g0.length; i++) {
        d = Math.max(d, Math.abs(g1[i]! - g0[i]!));
        s = Math.max(s, Math.abs(g0[i]!));
      }
      expect(d / s).toBeLessThan(1e-5);
      tf.dispose([probs, labels]);
    });
  }

  it('focal loss and a switched-off engine use the composition', () => {
    const { probs } = inputs([1, 2, 2, 4], 1);
    expect(canFuseLoss(probs, { ...base, focalGamma: 2 }, 4)).toBe(false);
    setFastPathsEnabled(false);
    expect(canFuseLoss(probs, base, 4)).toBe(false);
    probs.dispose();
  });
});
