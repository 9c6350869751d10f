// Registers Facet's wasm kernels: the training kernels the wasm backend lacks, and faster
// replacements for shipped ones that training leans on (each file says what it measured).
// Idempotent; runs before the backend initialises (replacements keep the shipped setupFunc).
import type { KernelConfig } from '@tensorflow/tfjs';
import { registerRelu6Activation } from '../../models/layers/relu6';
import { registerSwishActivation } from '../../models/layers/swish';
import { tf } from '../../tf';
import { bnTrainConfig, bnTrainGradConfig } from './BatchNormTrain';
import { concatConfig } from './Concat';
import { conv2DConfig } from './Conv2D';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';
import { registerFusedBatchNormGrad } from './FusedBatchNormGrad';
import { identityConfig } from './Identity';
import { meanConfig } from './Mean';
import { registerRelu6Grad, relu6GradConfig } from './Relu6Grad';
import { resizeBilinearGradConfig } from './ResizeBilinearGrad';
import { segLossGradConfig, segLossSumsConfig } from './SegLoss';
import { splitVConfig } from './SplitV';
import { registerSwishGrad, swishConfig, swishGradConfig } from './Swish';
import { sumConfig } from './Sum';
import { tileConfig } from './Tile';

/** Kernels the wasm backend does not have. */
export const addedKernels: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  relu6GradConfig,
  swishConfig,
  swishGradConfig,
  bnTrainConfig,
  bnTrainGradConfig,
  segLossSumsConfig,
  segLossGradConfig,
];

/** Shipped kernels replaced outright. */
const replacedKernels: readonly KernelConfig[] = [conv2DBackpropInputConfig];

/** Shipped kernels given a fast path that falls back to them. */
const fastPaths: ReadonlyArray<() => KernelConfig> = [
  tileConfig,
  meanConfig,
  sumConfig,
  identityConfig,
  resizeBilinearGradConfig,
  concatConfig,
  splitVConfig,
  conv2DConfig,
];

const registered = new Set<KernelConfig>();

function install(config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
  registered.add(config);
}

/**
 * Registers them once (and the leaner BatchNorm gradient, FusedBatchNormGrad.ts, relu6's gradient and
 * activation, Relu6Grad.ts, swish's, Swish.ts); returns the names of the kernels Facet provides or
 * speeds up on wasm.
 */
export function registerWasmTrainingKernels(): string[] {
  if (registered.size === 0) {
    for (const config of [...addedKernels, ...replacedKernels]) install(config);
    for (const build of fastPaths) install(build());
    registerFusedBatchNormGrad();
    registerRelu6Grad();
    registerRelu6Activation();
    registerSwishGrad();
    registerSwishActivation();
  }
  return [...registered].map((k) => k.kernelName);
}
