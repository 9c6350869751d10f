// swish as one op each way: the SIMD forward and gradient kernels (both builds) against float64
// and against tfjs's own formulation (tf.grad of x·sigmoid(x) on the cpu backend), over the range
// the exp saturates in and at ±inf / NaN; the tfjs-ops fallbacks; and the activation class
// registered under `swish`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { KERNEL_VARIANTS, setKernelVariant } from '../../../src-main/engine/kernels/simd/module';
import { setFastPathsEnabled } from '../../../src-main/engine/kernels/switch';
import { swish, SWISH, SWISH_GRAD } from '../../../src-main/engine/kernels/wasm/Swish';
import { Swish } from '../../../src-main/engine/models/layers/swish';
import { tf } from '../../../src-main/engine/tf';
import { relDiff, seeded } from './compare';

/**
 * Edges of the exp: the saturation thresholds, subnormal results, the gradient's zero (−1.278).
 * (Not beyond ~1e38: tfjs's autodiff forms dy·x there, which overflows to inf, and inf·0 = NaN.)
 */
const EDGES = [0, -0, 1e-30, -1e-30, 1.278, -1.278, 15, -15, 20, -20, 50, -50, 87, -87, 88, -88, 89, -89, 100, -100, 103, -103, 104, -104, 105, -105, 1000, -1000, 1e30, -1e30];

/** n values: the edges, then mostly [−12, 12] and some [−120, 120]. */
function inputs(n: number, seed: number): Float32Array {
  const r = seeded(seed);
  return Float32Array.from({ length: n }, (_, i) => (i < EDGES.length ? EDGES[i]! : i % 5 === 0 ? r() * 240 - 120 : r() * 24 - 12));
}

function sigmoid64(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Float64 swish and its gradient, with the scale each is judged against. */
function reference(x: Float32Array, dy: Float32Array): { y: number[]; dx: number[]; dxScale: number[] } {
  const y: number[] = [];
  const dx: number[] = [];
  const dxScale: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const s = sigmoid64(v);
    const q = sigmoid64(-v);
    y.push(v * s);
    dx.push(dy[i]! * s * (1 + v * q));
    // dx = dy·σ + dy·x·σ(1 − σ): relative to the sum of the terms' magnitudes, since the sum
    // cancels to 0 at x ≈ −1.278 for any float implementation.
    dxScale.push(Math.abs(dy[i]!) * s * (1 + Math.abs(v) * q));
  }
  return { y, dx, dxScale };
}

/** max |a − b| / max(scale, 1e-30): relative error, with subnormal results judged absolutely. */
function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>, scale: ArrayLike<number> = b): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(scale[i]!), 1e-30));
  return worst;
}

/** tfjs's own formulation, differentiated by tfjs, on the cpu backend. */
async function tfjsSwish(x: Float32Array, dy: Float32Array): Promise<{ y: Float32Array; dx: Float32Array }> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const xt = tf.tensor(x);
  const dyt = tf.tensor(dy);
  const f = (t: tf.Tensor): tf.Tensor => tf.mul(t, tf.sigmoid(t));
  const yt = f(xt);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), dyt)))(xt);
  const out = { y: (await yt.data()) as Float32Array, dx: (await g.data()) as Float32Array };
  tf.dispose([xt, dyt, yt, g]);
  await tf.setBackend(previous);
  return out;
}

function gradient(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(swish(t), dy)))(x);
}

describe('swish as one op', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterEach(() => setFastPathsEnabled(true));
  afterAll(() => setKernelVariant(null));

  for (const variant of KERNEL_VARIANTS) {
    for (const [i, n] of [1, 3, 4, 7, 4099].entries()) {
      it(`${variant} build: forward and gradient match float64 and tfjs's x·sigmoid(x), n = ${n}`, async () => {
        setKernelVariant(variant);
        const xs = inputs(Math.max(n, EDGES.length), 40 + i).subarray(0, n);
        const r = seeded(50 + i);
        const dys = Float32Array.from({ length: n }, () => r() * 4 - 2);
        const ref = reference(xs, dys);
        const lib = await tfjsSwish(xs, dys);
        const x = tf.tensor(xs);
        const dy = tf.tensor(dys);
        const before = tf.memory().numTensors;
        const y = tf.engine().runKernel(SWISH, { x }) as tf.Tensor;
        const dx = tf.engine().runKernel(SWISH_GRAD, { dy, x }) as tf.Tensor;
        const yv = (await y.data()) as Float32Array;
        const dxv = (await dx.data()) as Float32Array;
        expect(worstRelative(yv, ref.y)).toBeLessThan(1e-6);
        expect(worstRelative(dxv, ref.dx, ref.dxScale)).toBeLessThan(1e-6);
        expect(worstRelative(yv, lib.y)).toBeLessThan(1e-5);
        expect(worstRelative(dxv, lib.dx, ref.dxScale)).toBeLessThan(1e-5);
        // The op and its registered gradient run the same kernels.
        const y2 = swish(x);
        const g = gradient(x, dy);
        expect(Array.from(await y2.data())).toEqual(Array.from(yv));
        expect(Array.from(await g.data())).toEqual(Array.from(dxv));
        tf.dispose([y, dx, y2, g]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, dy]);
      });
    }

    it(`${variant} build: the limits at ±inf, and NaN stays NaN`, async () => {
      setKernelVariant(variant);
      const x = tf.tensor([Infinity, -Infinity, NaN, 2, 3e38, -3e38]);
      const dy = tf.tensor([3, 3, 3, 3, 3, 3]);
      const y = (await (tf.engine().runKernel(SWISH, { x }) as tf.Tensor).data()) as Float32Array;
      const dx = (await (tf.engine().runKernel(SWISH_GRAD, { dy, x }) as tf.Tensor).data()) as Float32Array;
      expect(Array.from(y.subarray(0, 2))).toEqual([Infinity, 0]);
      expect(Array.from(dx.subarray(0, 2))).toEqual([3, 0]);
      expect(Number.isNaN(y[2]!) && Number.isNaN(dx[2]!)).toBe(true);
      expect(y[3]).toBeCloseTo(2 * sigmoid64(2), 6);
      expect(Array.from(y.subarray(4))).toEqual([3e38, 0].map(Math.fround));
      expect(Array.from(dx.subarray(4))).toEqual([3, 0]);
    });
  }

  it('falls back to tfjs ops on other backends, with the same values', async () => {
    const xs = inputs(257, 7);
    const r = seeded(8);
    const dys = Float32Array.from({ length: xs.length }, () => r() * 4 - 2);
    const ref = reference(xs, dys);
    await tf.setBackend('cpu');
    const x = tf.tensor(xs);
    const dy = tf.tensor(dys);
    const y = swish(x);
    const g = gradient(x, dy);
    expect(worstRelative((await y.data()) as Float32Array, ref.y)).toBeLessThan(1e-5);
    expect(worstRelative((await g.data()) as Float32Array, ref.dx, ref.dxScale)).toBeLessThan(1e-5);
    tf.dispose([x, dy, y, g]);
    await tf.setBackend('wasm');
  });

  it("the kernel's gradient falls back to tfjs ops when the SIMD kernels are switched off after the forward", async () => {
    const xs = inputs(300, 9);
    const r = seeded(10);
    const dys = Float32Array.from({ length: xs.length }, () => r() * 4 - 2);
    const ref = reference(xs, dys);
    const x = tf.tensor(xs);
    const dy = tf.tensor(dys);
    const g = tf.grad((t: tf.Tensor) => {
      const y = swish(t);
      setFastPathsEnabled(false);
      return tf.sum(tf.mul(y, dy));
    })(x);
    // tfjs ops form 1 − σ by subtraction: relative error grows where σ rounds towards 1.
    expect(worstRelative((await g.data()) as Float32Array, ref.dx, ref.dxScale)).toBeLessThan(1e-5);
    tf.dispose([x, dy, g]);
  });

  it('Activation and conv layers named swish use the one-op class, still serialise as swish, and match tfjs-layers', async () => {
    const input = tf.input({ shape: [4, 4, 2] });
    const a = tf.layers.activation({ activation: 'swish', name: 'a' }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'swish', name: 'c' }).apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    for (const name of ['a', 'c']) {
      expect((model.getLayer(name) as unknown as { activation: unknown }).activation).toBeInstanceOf(Swish);
    }
    const json = JSON.stringify(model.toJSON(null, false));
    expect(json.match(/"activation":"swish"/g)?.length).toBe(2);
    const x = tf.tensor(inputs(64, 11), [2, 4, 4, 2]);
    const fast = model.predict(x) as tf.Tensor;
    setFastPathsEnabled(false);
    const previous = model.predict(x) as tf.Tensor;
    setFastPathsEnabled(true);
    // Relative to the largest output: the conv sums the first activation's rounding into values near 0.
    expect(relDiff((await fast.data()) as Float32Array, (await previous.data()) as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, fast, previous]);
    model.dispose();
  });
});
