// Conv2DBackpropFilter for the wasm backend (it has none), as XNNPACK matrix products: with the
// input split into stride phases, channel-major (see phase-grid.ts), filter tap (i, j) is
//   dW[i, j] = xPhase[inC, Lp + E] · shift(dyGrid, off)[Lp + E, outC]
// — an untransposed batch-1 matMul, the case the wasm backend hands to XNNPACK's GEMM.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { conv2dInfo } from './geometry';
import { buildPhaseGrid } from './phase-grid';
import { WasmScope } from './scope';

interface Attrs {
  strides: number | [number, number];
  pad: Parameters<typeof conv2dInfo>[4];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

const conv2DBackpropFilter = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Attrs;
  if (a.dataFormat !== 'NHWC') throw new Error(`wasm Conv2DBackpropFilter supports NHWC only, got ${a.dataFormat}`);
  const c = conv2dInfo(x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false);
  const { inChannels: ci, outChannels: co } = c;
  return WasmScope.use(backend, (s) => {
    const grid = buildPhaseGrid(s, x, c);
    const dyGrid = s.pad(dy, [[0, 0], [0, grid.hs - c.outHeight], [0, grid.ws - c.outWidth], [0, 0]]);
    const dyFlat = s.reshape(dyGrid, [grid.lp, co]);
    s.free(dyGrid);
    const rows = grid.phases.map((p) => s.reshape(p, [1, ci, grid.lp + grid.extra]));
    const parts: TensorInfo[] = [];
    for (let i = 0; i < c.filterHeight; i++) {
      for (let j = 0; j < c.filterWidth; j++) {
        const { phase, offset } = grid.tap(i, j);
        const shifted = s.pad(dyFlat, [[offset, grid.extra - offset], [0, 0]]);
        const right = s.reshape(shifted, [1, grid.lp + grid.extra, co]);
        s.free(shifted);
        parts.push(s.matMul(rows[phase]!, right));
        s.free(right);
      }
    }
    const all = parts.length === 1 ? parts[0]! : s.run('Concat', parts as unknown as Record<string, TensorInfo>, { axis: 0 });
    return s.reshape(all, a.filterShape);
  });
}) satisfies KernelFunc;

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
