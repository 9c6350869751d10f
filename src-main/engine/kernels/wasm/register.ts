// Registers Facet's wasm kernels: the training kernels the wasm backend lacks, and faster
// replacements for shipped ones that training leans on. Idempotent; runs before the backend starts.
import type { KernelConfig } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';

/** Kernels the wasm backend does not have. */
export const addedKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

/** Kernels the wasm backend has, replaced because ours measured faster (see docs in each file). */
export const replacedKernels: readonly KernelConfig[] = [conv2DBackpropInputConfig];

const ours = new Set<KernelConfig>([...addedKernels, ...replacedKernels]);

/** Registers them once; returns the names of the kernels now provided by Facet. */
export function registerWasmTrainingKernels(): string[] {
  for (const config of [...addedKernels, ...replacedKernels]) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current !== undefined && ours.has(current as KernelConfig)) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  return [...addedKernels, ...replacedKernels].map((k) => k.kernelName);
}
