// Runs the wasm backend's own kernels from inside a kernel function and frees what they return.
// Kernels may not call `tf.*` ops (those create engine tensors and crash on disposed data); they
// call other kernels' `kernelFunc` directly and must dispose every intermediate `TensorInfo`.
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';

export class WasmScope {
  private readonly live = new Set<TensorInfo>();

  constructor(readonly backend: KernelBackend) {}

  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (config === undefined) throw new Error(`wasm kernel ${kernelName} is not registered`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`wasm kernel ${kernelName} returned several outputs`);
    this.live.add(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero padding, `pads` as [before, after] per axis; skipped (a reshape) when all are zero. */
  pad(x: TensorInfo, pads: Array<[number, number]>): TensorInfo {
    if (pads.every(([a, b]) => a === 0 && b === 0)) return this.reshape(x, x.shape);
    return this.run('PadV2', { x }, { paddings: pads, constantValue: 0 });
  }

  /** `begin`/`end`/`strides` per axis, like tf.stridedSlice with no masks. */
  slice(x: TensorInfo, begin: number[], end: number[], strides: number[]): TensorInfo {
    return this.run('StridedSlice', { x }, {
      begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    });
  }

  /** Plain (batch 1, untransposed) matMul: the case the wasm backend hands to XNNPACK. */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }

  /** Frees an intermediate now (keeps peak memory low inside loops). */
  free(...infos: TensorInfo[]): void {
    for (const info of infos) {
      if (this.live.delete(info)) this.backend.disposeData(info.dataId);
    }
  }

  /** Hands `info` to the caller (the kernel's result): it is no longer freed by `dispose`. */
  keep(info: TensorInfo): TensorInfo {
    this.live.delete(info);
    return info;
  }

  dispose(): void {
    for (const info of this.live) this.backend.disposeData(info.dataId);
    this.live.clear();
  }

  /** Runs `body` in a fresh scope: everything but the returned info is freed, also on error. */
  static use(backend: unknown, body: (s: WasmScope) => TensorInfo): TensorInfo {
    const scope = new WasmScope(backend as KernelBackend);
    try {
      return scope.keep(body(scope));
    } finally {
      scope.dispose();
    }
  }
}
