// The wasm fast paths for shipped kernels (Tile, Mean, Sum, ResizeBilinearGrad, Concat, SplitV) against the cpu
// backend, on the shapes training produces and on seeded random ones, including the cases that
// fall back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { broadcastPlan } from '../../../src-main/engine/kernels/wasm/Tile';
import { tf } from '../../../src-main/engine/tf';
import { setFastPathsEnabled } from '../../../src-main/engine/kernels/switch';
import { KERNEL_VARIANTS, setKernelVariant } from '../../../src-main/engine/kernels/simd/module';
import { compareKernel, cpuResult, randomTensor, seeded } from './compare';

function randomShape(r: () => number, rank: number): number[] {
  return Array.from({ length: rank }, () => 1 + Math.floor(r() * 5));
}

describe('wasm fast paths match the cpu backend', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });
  afterAll(() => setKernelVariant(null));

  const tileCases: Array<[number[], number[]]> = [
    [[1, 1, 1, 6], [2, 3, 4, 1]], // BatchNorm gradient
    [[3], [4]],
    [[2, 3], [2, 2]],
    [[2, 1, 3], [1, 5, 1]],
    [[1, 2, 1, 2, 1], [2, 1, 3, 1, 2]], // 5 alternating axes
    [[2, 2, 2, 2], [2, 3, 2, 2]], // 8 alternating axes: more than XNNPACK's 6 → shipped kernel
  ];
  const r = seeded(9);
  for (let i = 0; i < 5; i++) {
    const shape = randomShape(r, 1 + Math.floor(r() * 4));
    tileCases.push([shape, shape.map(() => 1 + Math.floor(r() * 3))]);
  }
  for (const [shape, reps] of tileCases) {
    it(`Tile [${shape}] × [${reps}]`, async () => {
      const x = randomTensor(shape, seeded(shape.length * 31 + reps[0]!));
      const cmp = await compareKernel('Tile', { x }, { reps });
      expect(cmp.maxDiff).toBe(0);
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      x.dispose();
    });
  }

  it('plans tiles as one broadcast when it fits in 6 axes', () => {
    expect(broadcastPlan([1, 1, 1, 6], [2, 3, 4, 1])).toEqual({ zeros: [24, 1], x: [1, 6] });
    expect(broadcastPlan([1, 2, 1, 2, 1], [2, 1, 3, 1, 2])).toEqual({ zeros: [2, 1, 3, 1, 2], x: [1, 2, 1, 2, 1] });
    expect(broadcastPlan([2, 2, 2, 2], [2, 3, 2, 2])).toBeNull();
  });

  const reduceCases: Array<[number[], number[], boolean]> = [
    [[2, 5, 4, 3], [0, 1, 2], false], // BatchNorm moments
    [[2, 5, 4, 3], [1, 2], true], // per-image spatial mean
    [[2, 5, 4, 3], [0], false],
    [[2, 5, 4, 3], [3], false], // innermost: shipped kernel
    [[2, 5, 4, 3], [0, 2], true], // not contiguous: shipped kernel
    [[2, 5, 4, 3], [-4, -3], false],
    [[2, 5, 4], null as unknown as number[], false], // all axes
  ];
  for (const kernel of ['Mean', 'Sum'] as const) {
    for (const [shape, axis, keepDims] of reduceCases) {
      it(`${kernel} [${shape}] over [${axis}] keepDims ${keepDims}`, async () => {
        const x = randomTensor(shape, seeded(77));
        const cmp = await compareKernel(kernel, { x }, { axis, keepDims });
        expect(cmp.maxDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, cmp.scale));
        expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
        x.dispose();
      });
    }
  }

  const resizeCases: Array<[number[], [number, number], boolean]> = [
    [[2, 8, 8, 64], [32, 32], false], // the decoder's ×4
    [[2, 5, 7, 3], [10, 14], false],
    [[3, 4, 6, 5], [13, 9], true],
    [[1, 9, 7, 4], [4, 3], false], // downsampling
    [[2, 6, 5, 2], [11, 11], true],
    [[1, 1, 1, 4], [3, 3], true],
  ];
  // Both builds of the SIMD kernels (plain and relaxed SIMD).
  for (const variant of KERNEL_VARIANTS) for (const [shape, size, alignCorners] of resizeCases) {
    it(`ResizeBilinearGrad [${shape}] from [${size}] alignCorners ${alignCorners} (${variant} SIMD build)`, async () => {
      setKernelVariant(variant);
      const images = randomTensor(shape, seeded(shape[1]! * 13 + size[0]));
      const dy = randomTensor([shape[0]!, size[0], size[1], shape[3]!], seeded(size[1] * 7));
      const attrs = { alignCorners, halfPixelCenters: false };
      // The cpu kernel lays values out as [b, h, w, c] but reports the shape as [b, w, h, c]:
      // compare values only. And against the shipped wasm kernel (fast paths off).
      const cpu = await cpuResult('ResizeBilinearGrad', { images, dy }, attrs);
      setFastPathsEnabled(false);
      const shipped = await compareKernel('ResizeBilinearGrad', { images, dy }, attrs, cpu);
      setFastPathsEnabled(true);
      const cmp = await compareKernel('ResizeBilinearGrad', { images, dy }, attrs, cpu);
      expect(cmp.shape).toEqual(shape);
      expect(cmp.maxDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, cmp.scale));
      expect(shipped.maxDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, shipped.scale));
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      tf.dispose([images, dy]);
    });
  }

  const concatCases: Array<[number[][], number, 'float32' | 'int32']> = [
    [[[2, 4, 4, 3], [2, 4, 4, 5]], 3, 'float32'], // the decoder's channel concat
    [[[2, 3, 3, 2], [2, 3, 3, 2], [2, 3, 3, 1], [2, 3, 3, 4], [2, 3, 3, 2]], -1, 'float32'],
    [[[2, 3, 5], [1, 3, 5]], 0, 'float32'],
    [[[2, 3, 5], [2, 1, 5], [2, 0, 5]], 1, 'int32'], // an empty part
    [[[3, 7], [3, 2]], 1, 'int32'],
  ];
  for (const [shapes, axis, dtype] of concatCases) {
    it(`Concat ${shapes.map((sh) => `[${sh}]`).join(' ')} on axis ${axis} (${dtype})`, async () => {
      const xs = shapes.map((sh, i) => tf.cast(tf.mul(randomTensor(sh, seeded(i + 3)), 100), dtype));
      const cmp = await compareKernel('Concat', xs as unknown as Record<string, tf.Tensor>, { axis });
      expect(cmp.maxDiff).toBe(0);
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      tf.dispose(xs);
    });
  }

  const splitCases: Array<[number[], number[] | number, number]> = [
    [[2, 4, 4, 8], [3, 5], 3], // the gradient of the decoder's concat
    [[2, 3, 3, 7], [2, 0, 4, 1], -1],
    [[4, 3, 5], 2, 0],
    [[2, 6, 5], [1, 3, 2], 1],
  ];
  for (const [shape, sizes, axis] of splitCases) {
    it(`SplitV [${shape}] into ${JSON.stringify(sizes)} on axis ${axis}`, async () => {
      const x = randomTensor(shape, seeded(shape.length + 11));
      const split = async (backend: string) => {
        await tf.setBackend(backend);
        const parts = tf.split(x, sizes, axis);
        const out = await Promise.all(parts.map(async (p) => ({ shape: p.shape, values: Array.from(await p.data()) })));
        tf.dispose(parts);
        return out;
      };
      const expected = await split('cpu');
      await tf.setBackend('wasm');
      // x moved to the cpu backend above: move it back before counting buffers.
      tf.add(x, 0).dispose();
      const buffers = tf.engine().backend.numDataIds();
      const tensors = tf.memory().numTensors;
      expect(await split('wasm')).toEqual(expected);
      expect([tf.memory().numTensors - tensors, tf.engine().backend.numDataIds() - buffers]).toEqual([0, 0]);
      x.dispose();
    });
  }
});
