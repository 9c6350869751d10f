// Conv2DBackpropInput for the wasm backend, replacing the shipped one (a plain C loop, ~2
// GFLOP/s): the input gradient is a forward convolution of dy with the filter rotated by 180° and
// its in/out channels swapped. At stride 1, where the SIMD module runs, the direct kernel
// (c/conv_s1.c, fused multiply-adds in the relaxed build) computes it from dy as it lies;
// otherwise XNNPACK runs it on dy zero-stuffed by the stride and padded (zero-stuff.ts).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapAddress, makeOutput, simdKernels, withScratch } from '../simd/module';
import { directConvEnabled, MAX_FILTER_ROWS } from './Conv2D';
import { conv2dInfo, type Conv2DInfo } from './geometry';
import { WasmScope } from './scope';
import { stuffedAndPadded } from './zero-stuff';

interface Attrs {
  strides: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** dx by the direct SIMD kernel (stride 1, c/conv_s1.c), or null where it does not apply. */
export function directInputGrad(backend: unknown, dy: TensorInfo, filter: TensorInfo, c: Conv2DInfo): TensorInfo | null {
  const k = directConvEnabled() ? simdKernels(backend) : null;
  if (k === null || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  if (c.strideHeight !== 1 || c.strideWidth !== 1 || c.inChannels % 4 !== 0 || c.filterHeight > MAX_FILTER_ROWS) return null;
  const top = (c.filterHeight - 1) * c.dilationHeight - c.padInfo.top;
  const left = (c.filterWidth - 1) * c.dilationWidth - c.padInfo.left;
  if (top < 0 || left < 0) return null;
  const out = makeOutput(backend, [c.batchSize, c.inHeight, c.inWidth, c.inChannels]);
  const taps = c.filterHeight * c.filterWidth;
  withScratch(backend, 4 * taps * c.inChannels * c.outChannels, (packed) => {
    k.conv_input_grad_filter(heapAddress(backend, filter), packed, c.filterHeight, c.filterWidth, c.inChannels, c.outChannels);
    k.conv2d_s1(
      heapAddress(backend, dy), packed, heapAddress(backend, out), c.batchSize, c.outHeight, c.outWidth, c.outChannels,
      c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.dilationHeight, c.dilationWidth, top, left,
    );
  });
  return out;
}

const conv2DBackpropInput = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  if (a.dataFormat !== 'NHWC') throw new Error(`wasm Conv2DBackpropInput supports NHWC only, got ${a.dataFormat}`);
  const c = conv2dInfo(a.inputShape, filter.shape, a.strides, 1, a.pad, a.dimRoundingMode, false);
  const fast = directInputGrad(backend, dy, filter, c);
  if (fast !== null) return fast;
  return WasmScope.use(backend, (s) => {
    const src = stuffedAndPadded(s, dy, c);
    const rotated = c.filterHeight * c.filterWidth === 1 ? s.reshape(filter, filter.shape) : s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const kernel = s.transpose(rotated, [0, 1, 3, 2]);
    s.free(rotated);
    return s.run('Conv2D', { x: src, filter: kernel }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  });
}) satisfies KernelFunc;

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
