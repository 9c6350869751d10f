// The wasm training kernels against the cpu backend's, on fixed edge cases and seeded random
// shapes: strides 1 and 2, dilation, same/valid/explicit padding, channel multipliers, batch > 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { KERNEL_VARIANTS, kernelVariant, setKernelVariant } from '../../../src-main/engine/kernels/simd/module';
import { tf } from '../../../src-main/engine/tf';
import { compareKernel, cpuResult, maxAbsDiff, randomTensor, seeded } from './compare';
import { depthwiseFilterGrad, depthwiseInputGrad } from './depthwise-reference';

// The direct stride-1 kernels (wasm/Conv2D.ts, on by default): these cases test them whatever the environment says.
process.env['FACET_DIRECT_CONV'] = '1';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  inC: number;
  out: number; // output channels (conv) or channel multiplier (depthwise)
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

const fixed: Case[] = [
  { x: [2, 9, 9, 3], k: [3, 3], inC: 3, out: 4, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 9, 9, 3], k: [3, 3], inC: 3, out: 4, strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { x: [1, 8, 7, 5], k: [3, 3], inC: 5, out: 2, strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [3, 6, 6, 4], k: [1, 1], inC: 4, out: 6, strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { x: [2, 10, 9, 3], k: [5, 3], inC: 3, out: 2, strides: [2, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 7, 8, 2], k: [3, 3], inC: 2, out: 3, strides: [1, 2], dilations: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

function randomCases(seed: number, count: number, depthwise: boolean): Case[] {
  const r = seeded(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  return Array.from({ length: count }, () => {
    const k = int(1, 4);
    const stride = int(1, 2);
    // tfjs requires stride 1 wherever dilation > 1 (depthwise only; Conv2DBackpropFilter has no dilation).
    const dilation = depthwise && stride === 1 ? int(1, 3) : 1;
    const h = int(k * dilation, 11);
    return {
      x: [int(1, 3), h, int(k * dilation, 11), int(1, 6)] as Case['x'],
      k: [k, int(1, 3)] as [number, number],
      inC: 0,
      out: depthwise ? int(1, 2) : int(1, 5),
      strides: [stride, stride] as [number, number],
      dilations: [dilation, dilation] as [number, number],
      pad: (r() < 0.5 ? 'same' : 'valid') as Pad,
    };
  }).map((c) => ({ ...c, inC: c.x[3] }));
}

// Stride 1 with input channels a multiple of 4: the direct input-gradient kernel (c/conv_s1.c),
// its 8- and 4-channel blocks, 4-pixel blocks and edge pixels.
const inputGradFixed: Case[] = [
  { x: [2, 12, 13, 12], k: [3, 3], inC: 12, out: 5, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [1, 9, 11, 8], k: [3, 3], inC: 8, out: 7, strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { x: [2, 10, 10, 16], k: [5, 5], inC: 16, out: 3, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 7, 14, 4], k: [3, 2], inC: 4, out: 6, strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [2, 0], [1, 0], [0, 0]] },
  { x: [3, 5, 9, 20], k: [1, 1], inC: 20, out: 9, strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { x: [1, 3, 3, 8], k: [3, 3], inC: 8, out: 2, strides: [1, 1], dilations: [1, 1], pad: 'same' },
];

const depthwiseFixed: Case[] = [
  { x: [2, 9, 9, 4], k: [3, 3], inC: 4, out: 1, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 9, 9, 4], k: [3, 3], inC: 4, out: 1, strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { x: [1, 8, 8, 3], k: [3, 3], inC: 3, out: 2, strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [2, 11, 10, 3], k: [3, 3], inC: 3, out: 1, strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { x: [1, 12, 12, 2], k: [3, 2], inC: 2, out: 3, strides: [1, 1], dilations: [3, 2], pad: 'valid' },
  { x: [3, 7, 7, 5], k: [5, 5], inC: 5, out: 2, strides: [1, 1], dilations: [1, 1], pad: 'same' },
];

const label = (c: Case) =>
  `x ${c.x.join('x')} k ${c.k.join('x')} out ${c.out} s ${c.strides.join(',')} d ${c.dilations.join(',')} ${Array.isArray(c.pad) ? 'explicit' : c.pad}`;

// Both builds of the SIMD kernels (plain and relaxed SIMD), whichever this machine would pick.
for (const variant of KERNEL_VARIANTS) describe(`wasm training kernels match the cpu backend (${variant} SIMD build)`, () => {
  beforeAll(async () => {
    const info = await initEngine({ backend: 'wasm', threads: 1 });
    expect(info.addedKernels).toContain('Conv2DBackpropFilter');
    setKernelVariant(variant);
    expect(kernelVariant()).toBe(variant);
  });
  afterAll(() => setKernelVariant(null));

  for (const [i, c] of [...fixed, ...randomCases(7, 6, false), ...inputGradFixed].entries()) {
    it(`Conv2DBackpropFilter ${label(c)}`, async () => {
      const r = seeded(100 + i);
      const x = randomTensor(c.x, r);
      const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.inC, c.out];
      const dyShape = tf.conv2d(x as tf.Tensor4D, tf.zeros(filterShape), c.strides, c.pad).shape;
      const dy = randomTensor(dyShape, r);
      const cmp = await compareKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape,
      });
      expect(cmp.shape).toEqual(filterShape);
      expect(cmp.maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, cmp.scale));
      expect(cmp.leakedTensors).toBe(0);
      expect(cmp.leakedBuffers).toBe(0);
      tf.dispose([x, dy]);
    });
    it(`Conv2DBackpropInput (replaced) ${label(c)}`, async () => {
      const r = seeded(500 + i);
      const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.inC, c.out];
      const filter = randomTensor(filterShape, r);
      const dyShape = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad).shape;
      const dy = randomTensor(dyShape, r);
      const cmp = await compareKernel('Conv2DBackpropInput', { dy, filter }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
      });
      expect(cmp.shape).toEqual(c.x);
      expect(cmp.maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, cmp.scale));
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      tf.dispose([filter, dy]);
    });
  }

  // Forward: the direct kernel at stride 1 (any dilation, output channels a multiple of 4), the
  // shipped XNNPACK kernel for the rest (stride 2, 5 output channels).
  const forwardCases: Array<Case & { filters: number }> = [
    ...inputGradFixed.map((c) => ({ ...c, filters: 8 })),
    { x: [2, 11, 14, 6], k: [3, 3], inC: 6, out: 0, filters: 12, strides: [1, 1], dilations: [2, 2], pad: 'same' },
    { x: [1, 13, 10, 3], k: [3, 3], inC: 3, out: 0, filters: 4, strides: [1, 1], dilations: [3, 2], pad: 'valid' },
    { x: [2, 9, 9, 5], k: [3, 3], inC: 5, out: 0, filters: 8, strides: [2, 2], dilations: [1, 1], pad: 'same' },
    { x: [2, 9, 9, 5], k: [3, 3], inC: 5, out: 0, filters: 5, strides: [1, 1], dilations: [1, 1], pad: 'same' },
  ];
  for (const [i, c] of forwardCases.entries()) {
    it(`Conv2D ${label(c)} → ${c.filters}`, async () => {
      const r = seeded(700 + i);
      const x = randomTensor(c.x, r);
      const filter = randomTensor([c.k[0], c.k[1], c.inC, c.filters], r);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations };
      // The cpu backend's Conv2D handles dilation; compare with it.
      const cmp = await compareKernel('Conv2D', { x, filter }, attrs);
      expect(cmp.maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, cmp.scale));
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      tf.dispose([x, filter]);
    });
  }

  it('the direct depthwise loops agree with the cpu backend where it is right (no dilation)', async () => {
    for (const c of depthwiseFixed.filter((d) => d.dilations.every((v) => v === 1))) {
      const r = seeded(400);
      const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.inC, c.out];
      const x = randomTensor(c.x, r);
      const filter = randomTensor(filterShape, r);
      const dy = randomTensor(tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad).shape, r);
      const g = { xShape: c.x, filterShape, strides: c.strides, dilations: c.dilations, pad: c.pad };
      const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad };
      const cpuF = await cpuResult('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape });
      const cpuI = await cpuResult('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: c.x });
      expect(maxAbsDiff(cpuF, depthwiseFilterGrad(g, x.dataSync() as Float32Array, dy.dataSync() as Float32Array))).toBeLessThan(1e-3);
      expect(maxAbsDiff(cpuI, depthwiseInputGrad(g, filter.dataSync() as Float32Array, dy.dataSync() as Float32Array))).toBeLessThan(1e-3);
      tf.dispose([x, filter, dy]);
    }
  });

  for (const [i, c] of [...depthwiseFixed, ...randomCases(11, 6, true)].entries()) {
    const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.inC, c.out];
    const setup = (seed: number) => {
      const r = seeded(seed);
      const x = randomTensor(c.x, r);
      const filter = randomTensor(filterShape, r);
      const dyShape = tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations).shape;
      const dy = randomTensor(dyShape, r);
      const g = { xShape: c.x, filterShape, strides: c.strides, dilations: c.dilations, pad: c.pad };
      const dilated = c.dilations.some((d) => d > 1);
      return {
        x, filter, dy, dilated,
        // The cpu backend's depthwise backprops ignore dilation: dilated cases use direct loops.
        filterGrad: () => (dilated ? depthwiseFilterGrad(g, x.dataSync() as Float32Array, dy.dataSync() as Float32Array) : undefined),
        inputGrad: () => (dilated ? depthwiseInputGrad(g, filter.dataSync() as Float32Array, dy.dataSync() as Float32Array) : undefined),
        reference: g,
      };
    };
    it(`DepthwiseConv2dNativeBackpropFilter ${label(c)}`, async () => {
      const { x, filter, dy, filterGrad } = setup(200 + i);
      const cmp = await compareKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
        strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape,
      }, filterGrad());
      expect(cmp.shape).toEqual(filterShape);
      expect(cmp.maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, cmp.scale));
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      tf.dispose([x, filter, dy]);
    });
    it(`DepthwiseConv2dNativeBackpropInput ${label(c)}`, async () => {
      const { x, filter, dy, inputGrad } = setup(300 + i);
      const cmp = await compareKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, {
        strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.x,
      }, inputGrad());
      expect(cmp.shape).toEqual(c.x);
      expect(cmp.maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, cmp.scale));
      expect([cmp.leakedTensors, cmp.leakedBuffers]).toEqual([0, 0]);
      tf.dispose([x, filter, dy]);
    });
  }
});
