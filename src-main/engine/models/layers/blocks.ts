// Building blocks shared by the encoders and decoders (the Keras-example `convolution_block`
// and friends). Everything is a tf.layers layer so models save and load in layers format.
import { tf } from '../../tf';
import { AtrousConv2D } from './atrous-conv2d';
// Registers the one-op `relu6` and `swish` activations and Facet's Activation, BatchNormalization
// and Conv2D classes before any model is built or loaded.
import { Activation } from './activation';
import { BatchNormalization } from './batch-norm';
import { Conv2D } from './conv2d';
import './relu6';
import './swish';

export type SymbolicTensor = tf.SymbolicTensor;

/** BatchNorm as in PyTorch's defaults (momentum 0.1 there = 0.9 here): the peer's setting, and
 * moving statistics that settle within a few dozen steps. */
export const BN_MOMENTUM = 0.9;

export function bn(x: SymbolicTensor, name: string, epsilon = 1e-3): SymbolicTensor {
  return new BatchNormalization({ name, momentum: BN_MOMENTUM, epsilon }).apply(x) as SymbolicTensor;
}

export function act(x: SymbolicTensor, activation: 'relu' | 'relu6' | 'swish' | 'sigmoid', name: string): SymbolicTensor {
  return new Activation({ activation, name }).apply(x) as SymbolicTensor;
}

export interface ConvArgs {
  filters: number;
  kernel?: number;
  strides?: number;
  dilation?: number;
  useBias?: boolean;
  padding?: 'same' | 'valid';
}

export function conv(x: SymbolicTensor, args: ConvArgs, name: string): SymbolicTensor {
  const kernel = args.kernel ?? 1;
  const dilation = args.dilation ?? 1;
  if (dilation > 1) {
    return new AtrousConv2D({ filters: args.filters, kernelSize: kernel, rate: dilation, useBias: args.useBias ?? false, name }).apply(
      x,
    ) as SymbolicTensor;
  }
  return new Conv2D({
    filters: args.filters,
    kernelSize: kernel,
    strides: args.strides ?? 1,
    padding: args.padding ?? 'same',
    useBias: args.useBias ?? false,
    name,
  }).apply(x) as SymbolicTensor;
}

/** Conv (no bias unless asked) + BN + ReLU, named `<name>_conv`, `<name>_bn`, `<name>_relu`. */
export function convBnRelu(x: SymbolicTensor, args: ConvArgs, name: string): SymbolicTensor {
  return act(bn(conv(x, args, `${name}_conv`), `${name}_bn`), 'relu', `${name}_relu`);
}

/** Bilinear upsampling by an integer factor per side. */
export function upsample(x: SymbolicTensor, factor: number | [number, number], name: string): SymbolicTensor {
  const size = typeof factor === 'number' ? [factor, factor] : factor;
  return tf.layers.upSampling2d({ size, interpolation: 'bilinear', name }).apply(x) as SymbolicTensor;
}

export function concat(xs: SymbolicTensor[], name: string): SymbolicTensor {
  return tf.layers.concatenate({ axis: -1, name }).apply(xs) as SymbolicTensor;
}

export function add(xs: SymbolicTensor[], name: string): SymbolicTensor {
  return tf.layers.add({ name }).apply(xs) as SymbolicTensor;
}

/** Global average pooling kept as a 1x1 map, so that a 1x1 conv can follow. */
export function globalPool(x: SymbolicTensor, name: string): SymbolicTensor {
  const channels = x.shape[3];
  if (channels == null) throw new Error(`${name}: channel dimension must be known`);
  const pooled = tf.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as SymbolicTensor;
  return tf.layers.reshape({ targetShape: [1, 1, channels], name: `${name}_reshape` }).apply(pooled) as SymbolicTensor;
}

/** Spatial side of a symbolic NHWC tensor (models here are square). */
export function side(x: SymbolicTensor): number {
  const h = x.shape[1];
  if (h == null) throw new Error('spatial size must be known');
  return h;
}

/**
 * The segmentation head for a map that is upsampled last: the 1x1 conv to classes first, then the
 * bilinear upsampling, then the softmax. The same function as upsampling first (a 1x1 conv and
 * bilinear interpolation are both linear per pixel, and the interpolation weights sum to 1, so
 * the bias passes through), at 1/factor² of the conv's cost and with `classes` channels instead of
 * the map's through the upsampling: in training, the full-size activations and their gradients
 * are the largest tensors of the step.
 */
export function upsampledClassifier(x: SymbolicTensor, numClasses: number, factor: number, upName: string): SymbolicTensor {
  const logits = conv(x, { filters: numClasses, kernel: 1, useBias: true }, 'logits');
  return tf.layers.softmax({ axis: -1, name: 'probs' }).apply(upsample(logits, factor, upName)) as SymbolicTensor;
}

/** The segmentation head: 1x1 conv to classes + softmax over the last axis. */
export function classifier(x: SymbolicTensor, numClasses: number): SymbolicTensor {
  const logits = conv(x, { filters: numClasses, kernel: 1, useBias: true }, 'logits');
  return tf.layers.softmax({ axis: -1, name: 'probs' }).apply(logits) as SymbolicTensor;
}
