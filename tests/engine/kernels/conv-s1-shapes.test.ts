// The direct stride-1 conv kernel (c/conv_s1.c) on the layer shapes the models train with
// (PSPNet-ResNet50 and DeepLabV3+ MobileNetV2 at 64 and 256 px): its Conv2D and the input
// gradient it computes for Conv2DBackpropInput, against XNNPACK in the same engine (the env
// switch is read per call), in both SIMD builds. The small-shape cases are in conv-backprop.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend';
import { KERNEL_VARIANTS, kernelVariant, setKernelVariant, simdKernels } from '../../../src-main/engine/kernels/simd/module';
import { tf } from '../../../src-main/engine/tf';
import { randomTensor, relDiff, seeded } from './compare';

interface Shape {
  model: string;
  x: [number, number, number, number];
  k: number;
  filters: number;
  dilation?: number;
}

// Batch 1 where the map is large, and the 3x3 head at 128 px rather than 256 (4x the time, the
// same edges), to keep the run short; otherwise each layer's geometry as it trains.
const shapes: Shape[] = [
  // PSPNet-ResNet50, 256 px: conv2 blocks at 64x64, conv3 at 32x32, the pyramid's 1x1 convs,
  // the 3x3 head at full size and the classifier.
  { model: 'pspnet 256', x: [1, 64, 64, 64], k: 1, filters: 64 },
  { model: 'pspnet 256', x: [1, 64, 64, 64], k: 1, filters: 256 },
  { model: 'pspnet 256', x: [1, 64, 64, 256], k: 1, filters: 64 },
  { model: 'pspnet 256', x: [1, 64, 64, 64], k: 3, filters: 64 },
  { model: 'pspnet 256', x: [1, 32, 32, 128], k: 3, filters: 128 },
  { model: 'pspnet 256', x: [1, 32, 32, 128], k: 1, filters: 512 },
  { model: 'pspnet 256', x: [1, 32, 32, 512], k: 1, filters: 128 },
  { model: 'pspnet 256', x: [1, 16, 16, 128], k: 1, filters: 32 },
  { model: 'pspnet 256', x: [1, 4, 4, 128], k: 1, filters: 32 },
  { model: 'pspnet 256', x: [1, 1, 1, 128], k: 1, filters: 32 },
  { model: 'pspnet 128', x: [1, 128, 128, 256], k: 3, filters: 64 },
  { model: 'pspnet 256', x: [1, 256, 256, 64], k: 1, filters: 8 },
  // PSPNet-ResNet50, 64 px, batch 2 (the WebGPU comparison's size): tiny maps.
  { model: 'pspnet 64', x: [2, 8, 8, 512], k: 1, filters: 128 },
  { model: 'pspnet 64', x: [2, 8, 8, 128], k: 3, filters: 128 },
  { model: 'pspnet 64', x: [2, 2, 2, 128], k: 1, filters: 32 },
  { model: 'pspnet 64', x: [2, 16, 16, 64], k: 3, filters: 64 },
  // DeepLabV3+ MobileNetV2, 256 px, batch 2: the dilated ASPP convs (and their input gradient,
  // a dilated conv with the filter's channels swapped), the decoder's 3x3s, 1x1 expand/project.
  { model: 'deeplab 256', x: [2, 16, 16, 96], k: 3, filters: 64, dilation: 2 },
  { model: 'deeplab 256', x: [2, 16, 16, 96], k: 3, filters: 64, dilation: 6 },
  { model: 'deeplab 256', x: [2, 16, 16, 64], k: 3, filters: 96, dilation: 4 },
  { model: 'deeplab 256', x: [2, 64, 64, 128], k: 3, filters: 64 },
  { model: 'deeplab 256', x: [2, 64, 64, 64], k: 3, filters: 64 },
  { model: 'deeplab 256', x: [2, 16, 16, 576], k: 1, filters: 96 },
  { model: 'deeplab 256', x: [2, 16, 16, 96], k: 1, filters: 576 },
  { model: 'deeplab 256', x: [2, 32, 32, 144], k: 1, filters: 32 },
  { model: 'deeplab 256', x: [2, 64, 64, 24], k: 1, filters: 144 },
  { model: 'deeplab 256', x: [1, 128, 128, 16], k: 1, filters: 96 },
  { model: 'deeplab 256', x: [1, 128, 128, 32], k: 1, filters: 16 },
  { model: 'deeplab 256', x: [2, 1, 1, 96], k: 1, filters: 64 },
];

/** Runs `kernel` with the direct kernel on (FACET_DIRECT_CONV=1) or off (XNNPACK). */
async function run(direct: boolean, kernel: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap): Promise<Float32Array> {
  process.env['FACET_DIRECT_CONV'] = direct ? '1' : '0';
  const out = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

const label = (s: Shape) => `${s.model}: x ${s.x.join('x')} ${s.k}x${s.k} → ${s.filters}${s.dilation ? ` dilation ${s.dilation}` : ''}`;

for (const variant of KERNEL_VARIANTS) describe(`the direct conv kernel on the models' shapes (${variant} SIMD build)`, () => {
  const saved = process.env['FACET_DIRECT_CONV'];
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
    setKernelVariant(variant);
    expect(kernelVariant()).toBe(variant);
    // The direct kernel runs only where the SIMD module does (single-threaded wasm).
    expect(simdKernels(tf.backend())).not.toBeNull();
  });
  afterAll(() => {
    setKernelVariant(null);
    if (saved === undefined) delete process.env['FACET_DIRECT_CONV'];
    else process.env['FACET_DIRECT_CONV'] = saved;
  });

  for (const [i, s] of shapes.entries()) {
    const d = s.dilation ?? 1;
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [d, d] } as unknown as tf.NamedAttrMap;
    it(`Conv2D ${label(s)}`, async () => {
      const r = seeded(900 + i);
      const x = randomTensor(s.x, r);
      const filter = randomTensor([s.k, s.k, s.x[3], s.filters], r);
      const direct = await run(true, 'Conv2D', { x, filter }, attrs);
      const xnnpack = await run(false, 'Conv2D', { x, filter }, attrs);
      // Float32 sums of up to 2304 terms in another order (fused in the relaxed build): ~5e-7 seen.
      expect(relDiff(direct, xnnpack)).toBeLessThan(1e-5);
      tf.dispose([x, filter]);
    });
    // tfjs's Conv2DBackpropInput has no dilation (AtrousConv2D's input gradient is a dilated Conv2D, above).
    if (d === 1) it(`Conv2DBackpropInput ${label(s)}`, async () => {
      const r = seeded(1900 + i);
      const filter = randomTensor([s.k, s.k, s.x[3], s.filters], r);
      const dy = randomTensor([...s.x.slice(0, 3), s.filters], r);
      const gradAttrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: s.x } as unknown as tf.NamedAttrMap;
      const direct = await run(true, 'Conv2DBackpropInput', { dy, filter }, gradAttrs);
      const xnnpack = await run(false, 'Conv2DBackpropInput', { dy, filter }, gradAttrs);
      expect(relDiff(direct, xnnpack)).toBeLessThan(1e-5);
      tf.dispose([filter, dy]);
    });
  }
});
