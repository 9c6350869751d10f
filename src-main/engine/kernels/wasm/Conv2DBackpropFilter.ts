// Conv2DBackpropFilter for the wasm backend (it has none). Where the SIMD module runs, a direct
// kernel (c/conv_filter_grad.c) accumulates dW from NHWC x and dy with no transposes: measured
// (1 thread, shapes of DeepLabV3+ MobileNetV2 at batch 4, 256 px, min of 5) 373 ms → 166 ms over
// the model's 14 distinct shapes; 90 → 10 ms for the logits' 1×1 (4×256×256×64 → 8), 133 → 72 ms
// for the decoder's 3×3 (4×64×64×128 → 64). Otherwise, one XNNPACK forward convolution with the
// roles of batch and channels swapped:
//   dW[i, j, ci, co] = Σ_{b,y,x} xpad[b, y·s + i, x·s + j, ci] · dy[b, y, x, co]
// is a `valid` convolution of xpadᵀ = [inC, Hp, Wp, batch] (batch as channels) with the filter
// dyᵀ = [outH, outW, batch, outC], stride 1 and dilation s, giving [inC, kh, kw, outC].
// Measured (8×64×64×128 → 64, 3×3, 2 threads, loaded machine): 948 ms against 1743 ms for
// per-tap matMuls over a channel-major im2col (phase-grid.ts) and ~55 s for the cpu backend.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';
import { conv2dInfo, type Conv2DInfo } from './geometry';
import { padOrCrop } from './phase-grid';
import { WasmScope } from './scope';

interface Attrs {
  strides: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  /** Not a tfjs attribute: Facet's atrous op (kernels/atrous-conv.ts) passes it; direct kernel only. */
  dilations?: number | [number, number];
}

/** The direct SIMD kernel (c/conv_filter_grad.c), or null where it cannot run. */
function direct(backend: unknown, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo, filterShape: number[]): TensorInfo | null {
  const k = simdKernels(backend);
  if (k === null || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const out = makeOutput(backend, filterShape);
  k.conv_filter_grad(
    heapAddress(backend, x), heapAddress(backend, dy), heapAddress(backend, out),
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left,
  );
  return out;
}

const conv2DBackpropFilter = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Attrs;
  if (a.dataFormat !== 'NHWC') throw new Error(`wasm Conv2DBackpropFilter supports NHWC only, got ${a.dataFormat}`);
  const c = conv2dInfo(x.shape, a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false);
  const fast = direct(backend, x, dy, c, a.filterShape);
  if (fast !== null) return fast;
  if (c.dilationHeight !== 1 || c.dilationWidth !== 1) throw new Error('wasm Conv2DBackpropFilter: dilation needs the SIMD kernels');
  // Exactly the rows/columns the filter taps read: (out − 1)·stride + kernel.
  const needH = (c.outHeight - 1) * c.strideHeight + c.filterHeight;
  const needW = (c.outWidth - 1) * c.strideWidth + c.filterWidth;
  const pointwise = c.filterHeight === 1 && c.filterWidth === 1 && c.strideHeight === 1 && c.strideWidth === 1 &&
    c.outHeight === c.inHeight && c.outWidth === c.inWidth;
  if (pointwise) {
    // 1×1, stride 1: dW = xᵀ[inC, N] · dy[N, outC], one XNNPACK GEMM (the swapped convolution
    // would be a kernel of outH·outW taps with only `batch` channels each: 14 ms against 2 ms
    // for 2×32×32×24 → 144).
    const n = c.batchSize * c.outHeight * c.outWidth;
    return WasmScope.use(backend, (s) => {
      const xT = s.transpose(x, [3, 0, 1, 2]);
      const rows = s.reshape(xT, [1, c.inChannels, n]);
      s.free(xT);
      const dy2 = s.reshape(dy, [1, n, c.outChannels]);
      const out = s.matMul(rows, dy2);
      return s.reshape(out, a.filterShape);
    });
  }
  return WasmScope.use(backend, (s) => {
    const xp = padOrCrop(s, x, c.padInfo.top, needH - c.padInfo.top - c.inHeight, c.padInfo.left, needW - c.padInfo.left - c.inWidth);
    const xT = s.transpose(xp, [3, 1, 2, 0]);
    s.free(xp);
    const dyT = s.transpose(dy, [1, 2, 0, 3]);
    const out = s.run('Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [c.strideHeight, c.strideWidth],
    });
    s.free(xT, dyT);
    return s.transpose(out, [1, 2, 0, 3]);
  });
}) satisfies KernelFunc;

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
