// What the fused inference path needs to know about a layer, read from its class name and
// config: is it a convolution it can run as one fused kernel, a batch norm it can fold into one,
// an activation it can fuse? Anything that does not match exactly is `null`, and the layer is then
// applied as it is (correctness never rests on a pattern).
import { tf } from '../../tf';
import { AtrousConv2D } from '../../models/layers/atrous-conv2d';

type Layer = tf.layers.Layer;
type Config = tf.serialization.ConfigDict;

/**
 * Activations the fused conv kernels apply themselves. The wasm FusedConv2D /
 * FusedDepthwiseConv2D kernels take linear, relu, relu6, prelu, leakyrelu, sigmoid and elu;
 * prelu and leakyrelu need extra inputs and elu is not in Keras-configs here, so those stay out.
 */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid';
const FUSABLE: ReadonlySet<string> = new Set<FusedActivation>(['linear', 'relu', 'relu6', 'sigmoid']);

export interface ConvSpec {
  depthwise: boolean;
  strides: [number, number];
  pad: 'same' | 'valid';
  dilations: [number, number];
  /** The conv's own activation (only fusable ones give a spec). */
  activation: FusedActivation;
  /** The layer's live weights (not owned; folding copies them). */
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D | null;
}

export interface BatchNormSpec {
  epsilon: number;
  gamma: tf.Tensor1D | null;
  beta: tf.Tensor1D | null;
  movingMean: tf.Tensor1D;
  movingVariance: tf.Tensor1D;
}

function pair(v: unknown): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0] as number, v[1] as number];
  return null;
}

function fusable(name: unknown): FusedActivation | null {
  return typeof name === 'string' && FUSABLE.has(name) ? (name as FusedActivation) : null;
}

/** Weights in the layer's own order; `count` checked so a changed layer class falls back. */
function weightsOf(layer: Layer, count: number): tf.Tensor[] | null {
  const w = layer.getWeights();
  return w.length === count ? w : null;
}

function rank(t: tf.Tensor | undefined, r: number): boolean {
  return t !== undefined && t.rank === r && t.dtype === 'float32';
}

/** The spec of a Conv2D, DepthwiseConv2D or Facet atrous conv that can run as one fused kernel. */
export function convSpec(layer: Layer): ConvSpec | null {
  const className = layer.getClassName();
  const c: Config = layer.getConfig();
  if (className === AtrousConv2D.className) {
    // A `same`, stride-1 conv dilated by `rate`: what the layer's space-to-batch computes.
    const rate = c['rate'];
    if (typeof rate !== 'number') return null;
    const w = weightsOf(layer, c['useBias'] === true ? 2 : 1);
    if (!w || !rank(w[0], 4) || (w[1] && !rank(w[1], 1))) return null;
    return {
      depthwise: false, strides: [1, 1], pad: 'same', dilations: [rate, rate], activation: 'linear',
      kernel: w[0] as tf.Tensor4D, bias: (w[1] as tf.Tensor1D | undefined) ?? null,
    };
  }
  if (className !== 'Conv2D' && className !== 'DepthwiseConv2D') return null;
  const strides = pair(c['strides']);
  const dilations = pair(c['dilationRate']);
  const activation = fusable(c['activation']);
  const pad = c['padding'];
  if (!strides || !dilations || !activation || (pad !== 'same' && pad !== 'valid')) return null;
  if (c['dataFormat'] !== undefined && c['dataFormat'] !== 'channelsLast') return null;
  const w = weightsOf(layer, c['useBias'] === true ? 2 : 1);
  if (!w || !rank(w[0], 4) || (w[1] && !rank(w[1], 1))) return null;
  const depthwise = className === 'DepthwiseConv2D';
  return {
    depthwise,
    strides,
    pad,
    // tfjs-layers' DepthwiseConv2D ignores its dilationRate (it passes none to the op); match it.
    dilations: depthwise ? [1, 1] : dilations,
    activation,
    kernel: w[0] as tf.Tensor4D,
    bias: (w[1] as tf.Tensor1D | undefined) ?? null,
  };
}

/** The spec of a BatchNormalization over the last axis of an NHWC map. */
export function batchNormSpec(layer: Layer): BatchNormSpec | null {
  if (layer.getClassName() !== 'BatchNormalization') return null;
  const c = layer.getConfig();
  const axis = c['axis'];
  const epsilon = c['epsilon'];
  if ((axis !== -1 && axis !== 3) || typeof epsilon !== 'number') return null;
  const scale = c['scale'] !== false;
  const center = c['center'] !== false;
  // tfjs-layers builds gamma (if scale), beta (if center), moving mean, moving variance.
  const w = weightsOf(layer, 2 + (scale ? 1 : 0) + (center ? 1 : 0));
  if (!w || !w.every((t) => rank(t, 1))) return null;
  const queue = [...w] as tf.Tensor1D[];
  const gamma = scale ? queue.shift()! : null;
  const beta = center ? queue.shift()! : null;
  return { epsilon, gamma, beta, movingMean: queue[0]!, movingVariance: queue[1]! };
}

/** The activation an Activation (or ReLU) layer computes, when a fused kernel can compute it. */
export function activationOf(layer: Layer): FusedActivation | null {
  const className = layer.getClassName();
  const c = layer.getConfig();
  if (className === 'Activation') return fusable(c['activation']);
  if (className === 'ReLU') {
    const max = c['maxValue'];
    if (max === null || max === undefined) return 'relu';
    return max === 6 ? 'relu6' : null;
  }
  return null;
}
