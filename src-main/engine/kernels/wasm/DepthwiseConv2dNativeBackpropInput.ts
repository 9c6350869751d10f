// DepthwiseConv2dNativeBackpropInput for the wasm backend (it has none). Where the SIMD module
// runs, a direct kernel (c/depthwise_input_grad.c) scatters dy through the taps in place:
// measured (1 thread, the model's 7 shapes at batch 4, 256 px, min of 5) 48 → 38 ms, mostly
// the transposes and pads saved. Otherwise: the input gradient of a depthwise conv is itself a
// depthwise conv, which XNNPACK runs: dy, zero-stuffed by the
// stride and padded by (effective kernel − 1 − forward padding), correlated at the same
// dilation with the filter rotated by 180°. With a channel multiplier M, dy's M channels per
// input channel are each convolved with their own filter slice and summed.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';
import { conv2dInfo, type Conv2DInfo } from './geometry';
import { WasmScope } from './scope';
import { stuffedAndPadded } from './zero-stuff';

interface Attrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

function direct(backend: unknown, dy: TensorInfo, filter: TensorInfo, c: Conv2DInfo, inputShape: number[]): TensorInfo | null {
  const k = simdKernels(backend);
  if (k === null || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const out = makeOutput(backend, inputShape);
  k.depthwise_input_grad(
    heapAddress(backend, dy), heapAddress(backend, filter), heapAddress(backend, out),
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, filter.shape[3]!, c.outHeight, c.outWidth,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left,
  );
  return out;
}

const depthwiseBackpropInput = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  const c = conv2dInfo(a.inputShape, filter.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  const fast = direct(backend, dy, filter, c, a.inputShape);
  if (fast !== null) return fast;
  const [kh, kw, ch, mult] = filter.shape as [number, number, number, number];
  const [b, h, w] = a.inputShape;
  return WasmScope.use(backend, (s) => {
    const src = stuffedAndPadded(s, dy, c);
    const flat = s.reshape(filter, [kh, kw, ch * mult]);
    const rotated = s.run('Reverse', { x: flat }, { dims: [0, 1] });
    s.free(flat);
    const kernel = s.reshape(rotated, [kh, kw, ch * mult, 1]);
    s.free(rotated);
    const dx = s.run('DepthwiseConv2dNative', { x: src, filter: kernel }, {
      strides: [1, 1], pad: 'valid', dilations: [c.dilationHeight, c.dilationWidth], dataFormat: 'NHWC',
    });
    s.free(src, kernel);
    if (mult === 1) return dx;
    const split = s.reshape(dx, [b, h, w, ch, mult]);
    s.free(dx);
    return s.run('Sum', { x: split }, { axis: [4], keepDims: false });
  });
}) satisfies KernelFunc;

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
};
