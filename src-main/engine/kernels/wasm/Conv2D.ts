// Conv2D for the wasm backend: at stride 1, where the SIMD module runs (single-threaded engines:
// each data-parallel training worker), the direct kernel (c/conv_s1.c, fused multiply-adds in the
// relaxed build) from x and the filter as they lie; the shipped XNNPACK kernel otherwise (strides,
// other layouts, threaded engines, whose XNNPACK spreads over the threads).
import type { TensorInfo } from '@tensorflow/tfjs';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';
import { withFallback } from './fallback';
import { conv2dInfo } from './geometry';

interface Attrs {
  strides: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Whether the direct stride-1 kernel replaces XNNPACK (FACET_DIRECT_CONV=1 on, =0 off; on by
 * default: at 256 px a DeepLabV3+ MobileNetV2 step of 4 went 1106 -> 955 ms CPU, PSPNet-ResNet50
 * of 2 4644 -> 3871 ms, scripts/profile-train-step.ts). It computes what XNNPACK does on the layer
 * shapes the models train with (tests/engine/kernels/conv-s1-shapes.test.ts): the plain build in
 * XNNPACK's summation order (a whole PSPNet step came out bit for bit the same), the relaxed build
 * within rounding (fused multiply-adds, most of the gain). That rounding once looked like a bug:
 * on PSPNet-ResNet50 at 64 px, batch 2, one ReLU input within 1e-6 of zero flips sign, and on an
 * 8x8 map that moves one weight's gradient by 2.5%; a ±1-ulp nudge of XNNPACK's own output does
 * the same (so the WebGPU comparison runs its reference on the plain build). Read at each call so
 * a test can compare both.
 */
export function directConvEnabled(): boolean {
  const v = process.env['FACET_DIRECT_CONV'];
  return v === undefined || v === '' ? DIRECT_DEFAULT : v === '1';
}
const DIRECT_DEFAULT = true;

/** The most filter rows conv2d_s1 keeps on its stack. */
export const MAX_FILTER_ROWS = 16;

export const conv2DConfig = withFallback('Conv2D', ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  const k = directConvEnabled() ? simdKernels(backend) : null;
  if (k === null || a.dataFormat !== 'NHWC' || x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const c = conv2dInfo(x.shape, filter.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false);
  if (c.strideHeight !== 1 || c.strideWidth !== 1 || c.outChannels % 4 !== 0 || c.filterHeight > MAX_FILTER_ROWS) return null;
  if (c.padInfo.top < 0 || c.padInfo.left < 0) return null;
  const out = makeOutput(backend, c.outShape);
  k.conv2d_s1(
    heapAddress(backend, x), heapAddress(backend, filter), heapAddress(backend, out), c.batchSize, c.inHeight, c.inWidth,
    c.inChannels, c.outHeight, c.outWidth, c.outChannels, c.filterHeight, c.filterWidth, c.dilationHeight, c.dilationWidth,
    c.padInfo.top, c.padInfo.left,
  );
  return out;
});
