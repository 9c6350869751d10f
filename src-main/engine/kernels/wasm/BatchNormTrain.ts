// BatchNorm in training mode as two SIMD kernels (c/batchnorm.c) instead of tfjs's composition:
// forward moments (Mean, Sub, Square, Mean) + FusedBatchNorm, backward FusedBatchNorm's
// gradient plus the moments' (Mean's gradient alone is a full-size Fill, Multiply and RealDiv).
// Measured before: FusedBatchNorm + Mean + Sum + Sub + Square + most of Multiply/RealDiv ≈ 0.5 s
// of a 3.5 s DeepLabV3+ MobileNetV2 step (batch 4, 256 px, 1 thread; 48 BN layers).
// Statistics are per channel (the last axis) over all other axes, as tfjs-layers' BatchNormalization
// computes them with axis −1; the variance is the biased one, as tfjs's moments. The `activation`
// attribute runs the activation layer that follows inside both kernels (see c/batchnorm.c).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { tf } from '../../tf';
import { heapAddress, makeOutput, simdKernels, withScratch, type SimdKernels } from '../simd/module';

export const BN_TRAIN = 'FacetBatchNormTrain';
export const BN_TRAIN_GRAD = 'FacetBatchNormTrainGrad';

/** The activations the kernels can apply after normalising, by their codes in c/batchnorm.c. */
export const BN_ACTIVATIONS = { linear: 0, relu: 1, relu6: 2, swish: 3 } as const;
export type BnActivation = keyof typeof BN_ACTIVATIONS;

interface BnAttrs {
  varianceEpsilon: number;
  activation: BnActivation;
}

function geometry(x: TensorInfo): { rows: number; channels: number } {
  const channels = x.shape[x.shape.length - 1] ?? 1;
  return { rows: tf.util.sizeFromShape(x.shape) / channels, channels };
}

function kernels(backend: unknown, name: string): SimdKernels {
  const k = simdKernels(backend);
  if (k === null) throw new Error(`${name} needs the SIMD kernels`);
  return k;
}

const forward = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const { varianceEpsilon, activation } = attrs as unknown as BnAttrs;
  const k = kernels(backend, BN_TRAIN);
  const { rows, channels } = geometry(x);
  const y = makeOutput(backend, [...x.shape]);
  const mean = makeOutput(backend, [channels]);
  const variance = makeOutput(backend, [channels]);
  const at = (t: TensorInfo) => heapAddress(backend, t);
  withScratch(backend, 8 * 2 * channels, (scratch) =>
    k.bn_train_forward(
      at(x), rows, channels, at(gamma), at(beta), varianceEpsilon, BN_ACTIVATIONS[activation], at(y), at(mean), at(variance), scratch,
    ),
  );
  return [y, mean, variance];
}) satisfies KernelFunc;

const backward = (({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
  const { dy, x, gamma, beta, mean, variance } = inputs as Record<'dy' | 'x' | 'gamma' | 'beta' | 'mean' | 'variance', TensorInfo>;
  const { varianceEpsilon, activation } = attrs as unknown as BnAttrs;
  const k = kernels(backend, BN_TRAIN_GRAD);
  const { rows, channels } = geometry(x);
  const dx = makeOutput(backend, [...x.shape]);
  const dgamma = makeOutput(backend, [channels]);
  const dbeta = makeOutput(backend, [channels]);
  const at = (t: TensorInfo) => heapAddress(backend, t);
  withScratch(backend, 8 * 6 * channels, (scratch) =>
    k.bn_train_backward(
      at(dy), at(x), rows, channels, at(gamma), at(beta), at(mean), at(variance), varianceEpsilon, BN_ACTIVATIONS[activation],
      at(dx), at(dgamma), at(dbeta), scratch,
    ),
  );
  return [dx, dgamma, dbeta];
}) satisfies KernelFunc;

export const bnTrainConfig: KernelConfig = { kernelName: BN_TRAIN, backendName: 'wasm', kernelFunc: forward };
export const bnTrainGradConfig: KernelConfig = { kernelName: BN_TRAIN_GRAD, backendName: 'wasm', kernelFunc: backward };
