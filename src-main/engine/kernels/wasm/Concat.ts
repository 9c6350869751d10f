// Concat for the wasm backend: the shipped kernel copies one typed-array `set` per outer index,
// so a channel concat makes one JS call per pixel (the decoder's 4×64×64×(64+64) and the ASPP's
// five 64-channel branches: ~20 ms a step at batch 4, 256 px, 1 thread). Here each input is one
// strided row copy (c/copy_rows.c). Strings and the cases the shipped kernel special-cases fall
// back to it.
import type { TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { heapAddress, simdKernels } from '../simd/module';
import { withFallback } from './fallback';

export const concatConfig = withFallback('Concat', ({ inputs, backend, attrs }) => {
  const all = Object.values(inputs) as TensorInfo[];
  const k = simdKernels(backend);
  const dtype = all[0]?.dtype;
  if (k === null || dtype === undefined || dtype === 'string' || dtype === 'complex64' || all.some((t) => t.dtype !== dtype)) return null;
  const axis = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, all[0]!.shape)[0]!;
  const parts = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (parts.length < 2) return null;
  const outShape = tf.backend_util.computeOutShape(all.map((t) => t.shape), axis);
  const rows = tf.util.sizeFromShape(parts[0]!.shape.slice(0, axis));
  const bytes = tf.util.bytesPerElement(dtype);
  const widths = parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)) * bytes);
  const total = widths.reduce((a, b) => a + b, 0);
  const out = (backend as { makeOutput(shape: number[], dtype: string): TensorInfo }).makeOutput(outShape, dtype);
  const base = heapAddress(backend, out);
  let offset = 0;
  parts.forEach((t, i) => {
    k.copy_rows(heapAddress(backend, t), base + offset, rows, widths[i]!, widths[i]!, total);
    offset += widths[i]!;
  });
  return out;
});
