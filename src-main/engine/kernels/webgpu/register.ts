// Facet's corrections to tfjs's webgpu kernels (each file says what it fixes). Registered after
// @tensorflow/tfjs-backend-webgpu has registered its own, which they wrap; idempotent.
import type { KernelConfig } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { castConfig, type WebGpuUtilModule } from './Cast';

type Wrap = (shipped: KernelConfig, util: WebGpuUtilModule) => KernelConfig;
const wrappers: ReadonlyArray<[string, Wrap]> = [[tf.Cast, castConfig]];
const installed = new Set<string>();

/** Wraps the shipped kernels once (`util`: the package's webgpu_util, passed in once it is loaded). */
export function registerWebGpuKernels(util: WebGpuUtilModule): string[] {
  for (const [name, wrap] of wrappers) {
    if (installed.has(name)) continue;
    const shipped = tf.getKernel(name, 'webgpu');
    if (shipped === undefined) throw new Error(`the webgpu backend has no ${name} kernel to wrap`);
    tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel(wrap(shipped, util));
    installed.add(name);
  }
  return webGpuKernelNames();
}

/** The kernels Facet corrects on webgpu (empty before registration). */
export function webGpuKernelNames(): string[] {
  return [...installed];
}
