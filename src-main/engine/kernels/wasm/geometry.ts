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

/** Rows/columns of the padded input a filter tap (i, j) reads, as strided-slice bounds. */
export function tapWindow(c: Conv2DInfo, i: number, j: number): { y0: number; y1: number; x0: number; x1: number } {
  const y0 = i * c.dilationHeight;
  const x0 = j * c.dilationWidth;
  return {
    y0,
    y1: y0 + (c.outHeight - 1) * c.strideHeight + 1,
    x0,
    x1: x0 + (c.outWidth - 1) * c.strideWidth + 1,
  };
}

/** Padded height/width needed so every tap window fits (may exceed top+in+bottom when unused). */
export function paddedExtent(c: Conv2DInfo): { bottom: number; right: number } {
  const needH = (c.filterHeight - 1) * c.dilationHeight + (c.outHeight - 1) * c.strideHeight + 1;
  const needW = (c.filterWidth - 1) * c.dilationWidth + (c.outWidth - 1) * c.strideWidth + 1;
  return {
    bottom: Math.max(0, needH - c.padInfo.top - c.inHeight),
    right: Math.max(0, needW - c.padInfo.left - c.inWidth),
  };
}
