// Replaces a kernel the wasm backend ships with a faster path for the cases that path covers,
// falling back to the shipped kernel for the rest. The shipped kernel's setupFunc (its cwrap of
// the C function) is kept as ours, so the fallback still works when we register before the
// backend initialises.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';

export type FastPath = (args: Parameters<KernelFunc>[0]) => TensorInfo | TensorInfo[] | null;

const originals = new Map<string, KernelConfig>();

/** The shipped kernel, as it was before any replacement. */
export function shippedKernel(kernelName: string): KernelConfig {
  let config = originals.get(kernelName);
  if (config === undefined) {
    config = tf.getKernel(kernelName, 'wasm');
    if (config === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel to replace`);
    originals.set(kernelName, config);
  }
  return config;
}

export function withFallback(kernelName: string, fast: FastPath): () => KernelConfig {
  // Built lazily: the shipped kernel must be looked up before ours replaces it.
  return () => {
    const shipped = shippedKernel(kernelName);
    const config: KernelConfig = {
      kernelName,
      backendName: 'wasm',
      kernelFunc: ((args: Parameters<KernelFunc>[0]) => fast(args) ?? shipped.kernelFunc(args)) as KernelFunc,
    };
    if (shipped.setupFunc) config.setupFunc = shipped.setupFunc;
    return config;
  };
}
