// SplitV for the wasm backend: the shipped kernel slices each piece, and wasm's Slice first
// copies the whole input out of the heap (readSync) and then sets one row per outer index: the
// gradient of the decoder's channel concat took ~25 ms a step (batch 4, 256 px, 1 thread). Here
// each piece is one strided row copy (c/copy_rows.c).
import type { TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';
import { withFallback } from './fallback';

export const splitVConfig = withFallback('SplitV', ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const k = simdKernels(backend);
  if (k === null || x.dtype !== 'float32') return null;
  const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number };
  const ax = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, ax);
  const rows = tf.util.sizeFromShape(x.shape.slice(0, ax));
  const inner = tf.util.sizeFromShape(x.shape.slice(ax + 1)) * 4;
  const total = x.shape[ax]! * inner;
  const src = heapAddress(backend, x);
  let offset = 0;
  const outs = sizes.map((size) => {
    const shape = [...x.shape];
    shape[ax] = size;
    const out = makeOutput(backend, shape);
    if (size > 0) k.copy_rows(src + offset, heapAddress(backend, out), rows, size * inner, total, size * inner);
    offset += size * inner;
    return out;
  });
  return outs;
});
