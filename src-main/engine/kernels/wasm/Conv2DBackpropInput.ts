// Conv2DBackpropInput for the wasm backend, replacing the shipped one (a plain C loop, ~2
// GFLOP/s): the input gradient is a forward convolution, which XNNPACK runs — dy zero-stuffed by
// the stride and padded (zero-stuff.ts), correlated with the filter rotated by 180° and with its
// in/out channels swapped.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { conv2dInfo } from './geometry';
import { WasmScope } from './scope';
import { stuffedAndPadded } from './zero-stuff';

interface Attrs {
  strides: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

const conv2DBackpropInput = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  if (a.dataFormat !== 'NHWC') throw new Error(`wasm Conv2DBackpropInput supports NHWC only, got ${a.dataFormat}`);
  const c = conv2dInfo(a.inputShape, filter.shape, a.strides, 1, a.pad, a.dimRoundingMode, false);
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
