// Convolution geometry shared by the wasm training kernels: tfjs's own Conv2DInfo (so padding
// and output sizes match every other backend exactly) plus the few derived numbers we need.
import type { backend_util } from '@tensorflow/tfjs';
import { tf } from '../../tf';

export type Conv2DInfo = backend_util.Conv2DInfo;
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

export function conv2dInfo(
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: Pad,
  dimRoundingMode: Rounding,
  depthwise: boolean,
): Conv2DInfo {
  if (xShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`expected rank-4 input and filter, got [${xShape}] and [${filterShape}]`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}
