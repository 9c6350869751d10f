// DepthwiseConv2dNativeBackpropFilter for the wasm backend (it has none). Where the SIMD module
// runs, a direct kernel (c/depthwise_filter_grad.c) reads NHWC x and dy in place: measured
// (1 thread, the 8 shapes of DeepLabV3+ MobileNetV2 at batch 4, 256 px, min of 5) 274 → 17 ms;
// 117 → 5 ms for the stride-2 4×128×128×96. Otherwise, with the input split
// into stride phases, channel-major (phase-grid.ts), filter tap (i, j) is one dot product per
// channel, done as a batched matMul over channels:
//   dW[i, j, c, m] = shift(dyᵀ, off)[c, m, :] · xPhase[c, :]
// The shift is a zero pad of dy (fast), so nothing is sliced with a stride.
// Measured (one thread, shared machine): 8×128×128×32 3×3 — per-tap strided slices + Multiply +
// Sum 395 ms, this 137 ms; stride 2 on 8×128×128×96 — strided slices 4.6 s, stride phases
// (phase-grid.ts) 538 ms, zero-stuffed dy (below) 350 ms.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapAddress, makeOutput, simdKernels } from '../simd/module';
import { conv2dInfo, type Conv2DInfo } from './geometry';
import { buildPhaseGrid } from './phase-grid';
import { WasmScope } from './scope';
import { stuffStrides } from './zero-stuff';

interface Attrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function direct(backend: unknown, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo, filterShape: number[]): TensorInfo | null {
  const k = simdKernels(backend);
  if (k === null || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const out = makeOutput(backend, filterShape);
  k.depthwise_filter_grad(
    heapAddress(backend, x), heapAddress(backend, dy), heapAddress(backend, out),
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, filterShape[3]!, c.outHeight, c.outWidth,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left,
  );
  return out;
}

const depthwiseBackpropFilter = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Attrs;
  const strided = conv2dInfo(x.shape, a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  const fast = direct(backend, x, dy, strided, a.filterShape);
  if (fast !== null) return fast;
  const [kh, kw, ch, mult] = a.filterShape;
  // A strided layer is done as a stride-1 one with dy zero-stuffed: the extra dot products on
  // zeros cost less than splitting the (larger) input into stride phases with transposes.
  const c = {
    ...strided,
    strideHeight: 1,
    strideWidth: 1,
    outHeight: strided.outHeight * strided.strideHeight,
    outWidth: strided.outWidth * strided.strideWidth,
  };
  return WasmScope.use(backend, (s) => {
    const grid = buildPhaseGrid(s, x, c);
    const width = grid.lp + grid.extra;
    const dyFull = stuffStrides(s, dy, strided.strideHeight, strided.strideWidth);
    // dy channel-major on the grid: [C·M, B, Hs, Ws] → [C·M, Lp].
    const dyT = s.transpose(dyFull, [3, 0, 1, 2]);
    if (dyFull !== dy) s.free(dyFull);
    const dyGrid = s.pad(dyT, [[0, 0], [0, 0], [0, grid.hs - c.outHeight], [0, grid.ws - c.outWidth]]);
    s.free(dyT);
    const dyFlat = s.reshape(dyGrid, [ch * mult, grid.lp]);
    s.free(dyGrid);
    const columns = grid.phases.map((p) => s.reshape(p, [ch, width, 1]));
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const { phase, offset } = grid.tap(i, j);
        const shifted = s.pad(dyFlat, [[0, 0], [offset, grid.extra - offset]]);
        const left = s.reshape(shifted, [ch, mult, width]);
        s.free(shifted);
        taps.push(s.run('BatchMatMul', { a: left, b: columns[phase]! }, { transposeA: false, transposeB: false }));
        s.free(left);
      }
    }
    const all = taps.length === 1 ? taps[0]! : s.run('Concat', taps as unknown as Record<string, TensorInfo>, { axis: 0 });
    return s.reshape(all, [kh, kw, ch, mult]);
  });
}) satisfies KernelFunc;

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter,
};
