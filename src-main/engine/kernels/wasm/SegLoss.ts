// The segmentation loss's two SIMD kernels (c/seg_loss.c), for losses/fused.ts. tfjs's
// composition (one-hot, clip, log, products, three reductions, and their gradients: clip's alone
// is GreaterEqual + LessEqual + LogicalAnd + Select on [N, H, W, C]) took ≈ 90 ms of a DeepLabV3+
// MobileNetV2 step at batch 4, 256 px (1 thread); here it is one pass each way.
//   FacetSegLossSums (probs [.., C], labels int32 [..]) → [4, C]: I, P, T, CE per class
//   FacetSegLossGrad (probs, labels, coeffs [3, C] = α, β, γ, dy scalar) → dL/dprobs
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { heapAddress, makeOutput, simdKernels, withScratch, type SimdKernels } from '../simd/module';

export const SEG_LOSS_SUMS = 'FacetSegLossSums';
export const SEG_LOSS_GRAD = 'FacetSegLossGrad';

interface HeapViews {
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

function setup(backend: unknown, probs: TensorInfo, labels: TensorInfo, name: string): { k: SimdKernels; pixels: number; classes: number } {
  const k = simdKernels(backend);
  if (k === null) throw new Error(`${name} needs the SIMD kernels`);
  if (labels.dtype !== 'int32') throw new Error(`${name}: labels must be int32`);
  const classes = probs.shape[probs.shape.length - 1] ?? 1;
  const pixels = tf.util.sizeFromShape(probs.shape) / classes;
  if (tf.util.sizeFromShape(labels.shape) !== pixels) throw new Error(`${name}: ${pixels} pixels of probabilities, labels [${labels.shape}]`);
  return { k, pixels, classes };
}

const sums = (({ inputs, backend }: Parameters<KernelFunc>[0]) => {
  const { probs, labels } = inputs as { probs: TensorInfo; labels: TensorInfo };
  const { k, pixels, classes } = setup(backend, probs, labels, SEG_LOSS_SUMS);
  const out = makeOutput(backend, [4, classes]);
  withScratch(backend, 8 * 4 * classes, (scratch) => {
    k.seg_loss_forward(heapAddress(backend, probs), heapAddress(backend, labels), pixels, classes, scratch);
    // f64 sums to the f32 output (read after the call: the heap may have grown).
    const heap = (backend as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer;
    const values = new Float64Array(heap, scratch, 4 * classes);
    (backend as HeapViews).typedArrayFromHeap(out).set(values);
  });
  return out;
}) satisfies KernelFunc;

const grad = (({ inputs, backend }: Parameters<KernelFunc>[0]) => {
  const { probs, labels, coeffs, dy } = inputs as Record<'probs' | 'labels' | 'coeffs' | 'dy', TensorInfo>;
  const { k, pixels, classes } = setup(backend, probs, labels, SEG_LOSS_GRAD);
  const views = backend as HeapViews;
  const scale = views.typedArrayFromHeap(dy)[0]!;
  const scaled = makeOutput(backend, [3, classes]);
  const c = views.typedArrayFromHeap(coeffs);
  const s = views.typedArrayFromHeap(scaled);
  for (let i = 0; i < 3 * classes; i++) s[i] = c[i]! * scale;
  const out = makeOutput(backend, [...probs.shape]);
  const at = heapAddress(backend, scaled);
  k.seg_loss_backward(heapAddress(backend, probs), heapAddress(backend, labels), pixels, classes, at, at + 4 * classes, at + 8 * classes, heapAddress(backend, out));
  (backend as { disposeData(dataId: object): void }).disposeData(scaled.dataId);
  return out;
}) satisfies KernelFunc;

export const segLossSumsConfig: KernelConfig = { kernelName: SEG_LOSS_SUMS, backendName: 'wasm', kernelFunc: sums };
export const segLossGradConfig: KernelConfig = { kernelName: SEG_LOSS_GRAD, backendName: 'wasm', kernelFunc: grad };
