// A functional tf.LayersModel as an ONNX model, in memory, from the fused plan (fuse/plan.ts):
// each conv step becomes one Conv with the BatchNormalization already folded into its weights
// (fuse/fold-bn.ts) and its activation as the next node, which onnxruntime fuses into the conv.
// The graph runs in NCHW, the layout of onnxruntime's CPU convolutions (its NCHWc transformer
// blocks them further), with one Transpose at each end so callers keep tfjs's NHWC tensors.
// Every layer the registry's models use maps onto standard ops with tfjs-layers' semantics (TF
// SAME padding as explicit pads, UpSampling2D as Resize with the `asymmetric` coordinates of
// tf.image.resizeBilinear without alignCorners or halfPixelCenters); anything else throws an
// UnsupportedLayerError naming the layer, and the caller keeps the tfjs graph.
import { tf } from '../../tf';
import { AtrousConv2D } from '../../models/layers/atrous-conv2d';
import { foldWeights } from '../fuse/fold-bn';
import type { FusedActivation } from '../fuse/layer-specs';
import { planModel, type ConvStep } from '../fuse/plan';
import { GraphWriter } from './graph-writer';
import { encodeModel, type AttributeValue } from './proto';

/** The opset the exported graphs use (Resize, Softmax, Clip and Pad with tensor inputs). */
export const ONNX_OPSET = 17;
export const ONNX_INPUT = 'image';
export const ONNX_OUTPUT = 'probs';

export class UnsupportedLayerError extends Error {
  constructor(
    readonly layerName: string,
    readonly className: string,
    detail: string,
  ) {
    super(`onnx export: layer "${layerName}" (${className}) ${detail}`);
    this.name = 'UnsupportedLayerError';
  }
}

export interface ExportedOnnx {
  bytes: Uint8Array;
  /** NHWC input [size, size, 3] and output [size, size, classes], batch left open. */
  inputShape: number[];
  outputShape: number[];
  /** Nodes per op type, for reports and tests. */
  ops: Record<string, number>;
}

type Activation = FusedActivation | 'swish' | 'tanh' | 'softmax';
type Layer = tf.layers.Layer;
type Config = tf.serialization.ConfigDict;

/**
 * A value in the graph. `map` is a logical NHWC map stored as NCHW; `vector` is a logical [N, C]
 * stored as [N, C, 1, 1], so that the Reshape to [1, 1, C] after a global pool is free; `nhwc` is
 * a map stored as NHWC (a softmax's output: the model's output needs no Transpose after it), and
 * is seen as a `map` by anything that reads it but the graph's output.
 */
interface Value {
  name: string;
  kind: 'map' | 'vector' | 'nhwc';
}

interface Conv {
  kernel: tf.Tensor4D;
  bias: tf.Tensor1D | null;
  depthwise: boolean;
  strides: [number, number];
  pad: 'same' | 'valid';
  dilations: [number, number];
}

function pair(v: unknown, what: string, layer: Layer): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0] as number, v[1] as number];
  throw new UnsupportedLayerError(layer.name, layer.getClassName(), `has ${what} ${JSON.stringify(v)}, expected a number or a pair`);
}

function unsupported(layer: Layer, detail: string): never {
  throw new UnsupportedLayerError(layer.name, layer.getClassName(), detail);
}

function channelsLast(layer: Layer): void {
  const format = layer.getConfig()['dataFormat'];
  if (format !== undefined && format !== 'channelsLast') unsupported(layer, `uses data format ${String(format)}; only channelsLast exports`);
}

/** TF's SAME (extra pad at the end) or VALID as ONNX pads [top, left, bottom, right]. */
function padsFor(pad: 'same' | 'valid', inSize: [number, number], kernel: [number, number], strides: [number, number], dilations: [number, number]): number[] {
  if (pad === 'valid') return [0, 0, 0, 0];
  const begin: number[] = [];
  const end: number[] = [];
  for (let d = 0; d < 2; d++) {
    const out = Math.ceil(inSize[d]! / strides[d]!);
    const total = Math.max(0, (out - 1) * strides[d]! + (kernel[d]! - 1) * dilations[d]! + 1 - inSize[d]!);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

/** Conv weights in ONNX's [out, in / group, kh, kw], read once. */
function onnxKernel(kernel: tf.Tensor4D, depthwise: boolean): { data: Float32Array; dims: number[] } {
  const [kh, kw, inC, last] = kernel.shape;
  return tf.tidy(() => {
    // Depthwise output channel o = input channel o / multiplier, slot o % multiplier: [inC, last] flattened.
    const t = depthwise ? tf.transpose(tf.reshape(kernel, [kh, kw, inC * last, 1]), [2, 3, 0, 1]) : tf.transpose(kernel, [3, 2, 0, 1]);
    return { data: t.dataSync() as Float32Array, dims: t.shape };
  });
}

class Exporter {
  readonly g = new GraphWriter();
  private readonly values = new Map<number, Value>();
  private readonly shapes = new Map<number, (number | null)[]>();

  constructor(private readonly model: tf.LayersModel) {
    for (const layer of model.layers) {
      for (const node of layer.inboundNodes) {
        for (const t of [...node.inputTensors, ...node.outputTensors]) this.shapes.set(t.id, t.shape);
      }
    }
  }

  set(id: number, v: Value): void {
    this.values.set(id, v);
  }

  /** The value as layers read it (an NHWC-stored map transposed back once). */
  get(id: number): Value {
    const v = this.stored(id);
    if (v.kind !== 'nhwc') return v;
    const map: Value = { name: this.g.op('Transpose', [v.name], `${v.name}_nchw`, { perm: [0, 3, 1, 2] }), kind: 'map' };
    this.values.set(id, map);
    return map;
  }

  /** The value as it is stored. */
  stored(id: number): Value {
    const v = this.values.get(id);
    if (!v) throw new Error(`onnx export: tensor ${id} is read before it is computed`);
    return v;
  }

  /** Spatial size of the NHWC tensor `id`. */
  spatial(id: number, layer: Layer): [number, number] {
    const s = this.shapes.get(id);
    const h = s?.[1];
    const w = s?.[2];
    if (s?.length !== 4 || typeof h !== 'number' || typeof w !== 'number') unsupported(layer, 'reads a map whose spatial size is not known');
    return [h, w];
  }

  map(v: Value, layer: Layer): string {
    if (v.kind !== 'map') unsupported(layer, 'reads a rank-2 tensor where a feature map is expected');
    return v.name;
  }

  /** `x` (a map, or a vector for the elementwise ones) through `activation`; softmax via channelSoftmax. */
  activate(x: string, activation: Exclude<Activation, 'softmax'>, hint: string): string {
    const g = this.g;
    switch (activation) {
      case 'linear':
        return x;
      case 'relu':
        return g.op('Relu', [x], hint);
      case 'relu6':
        return g.op('Clip', [x, g.constFloats([0], []), g.constFloats([6], [])], hint);
      case 'sigmoid':
        return g.op('Sigmoid', [x], hint);
      case 'tanh':
        return g.op('Tanh', [x], hint);
      case 'swish':
        return g.op('Mul', [x, g.op('Sigmoid', [x], `${hint}_sigmoid`)], hint);
    }
  }

  /**
   * Softmax over the channels. onnxruntime's Softmax on a non-last axis transposes inside the
   * kernel (8 classes at 256 px, batch 8: 378 ms, against 55 ms on the last axis plus a 34 ms
   * Transpose), so a map's softmax runs on NHWC and stays NHWC: the graph's output needs no
   * Transpose after it. (A Transpose back to NCHW after it would let onnxruntime's transpose
   * optimiser cancel the pair and restore the slow axis.)
   */
  channelSoftmax(x: Value, hint: string): Value {
    const g = this.g;
    if (x.kind === 'vector') return { name: g.op('Softmax', [x.name], hint, { axis: 1 }), kind: 'vector' };
    const nhwc = g.op('Transpose', [x.name], `${hint}_nhwc`, { perm: [0, 2, 3, 1] });
    return { name: g.op('Softmax', [nhwc], hint, { axis: -1 }), kind: 'nhwc' };
  }

  then(y: string, activation: Activation, hint: string): Value {
    if (activation === 'softmax') return this.channelSoftmax({ name: y, kind: 'map' }, hint);
    return { name: this.activate(y, activation, hint), kind: 'map' };
  }

  /** The Conv node alone (no activation). */
  convNode(x: string, inSize: [number, number], c: Conv, hint: string): string {
    const [kh, kw, inC] = c.kernel.shape;
    const weights = onnxKernel(c.kernel, c.depthwise);
    const inputs = [x, this.g.floats(`${hint}_W`, weights.dims, weights.data)];
    if (c.bias) inputs.push(this.g.floats(`${hint}_B`, [c.bias.shape[0]], c.bias.dataSync() as Float32Array));
    return this.g.op('Conv', inputs, hint, {
      kernel_shape: [kh, kw],
      strides: c.strides,
      dilations: c.dilations,
      group: c.depthwise ? inC : 1,
      pads: padsFor(c.pad, inSize, [kh, kw], c.strides, c.dilations),
    });
  }

  conv(x: string, inSize: [number, number], c: Conv, activation: Activation, hint: string): Value {
    return this.then(this.convNode(x, inSize, c, hint), activation, `${hint}_act`);
  }

  /**
   * A conv that alone reads an upsampled map, mixing channels before the upsampling as the fused
   * tfjs graph does (fuse/upsample-conv.ts: upsampling is linear and per channel, so it commutes
   * with the conv's per-tap matrices). A 1x1 conv runs at the low resolution and its output is
   * upsampled (interpolation weights sum to 1, so the bias may go first). A k×k `same` conv is
   * summed over its taps: per tap a low-resolution 1x1 conv to the output channels, their
   * upsampling, and a depthwise k×k conv whose kernel is 1 at the tap alone (the shift, with the
   * original's zero padding). The full-resolution work is k² upsamplings of the output channels
   * and k²·k² MACs per output instead of a k²·inC conv over every upsampled input channel; one
   * tap at a time keeps the peak to a few output-sized maps (one conv to all k² taps at once
   * would hold k² of them).
   */
  upsampledConv(x: string, up: Layer, c: Conv, activation: Activation, hint: string, lowSize: [number, number]): Value {
    const [k, , inC, outC] = c.kernel.shape;
    if (k === 1) {
      const low = this.convNode(x, lowSize, c, hint);
      return this.then(this.upsample(low, up), activation, `${hint}_act`);
    }
    const taps = k * k;
    const r = (k - 1) / 2;
    // [k, k, inC, outC] → per tap ONNX [outC, inC, 1, 1].
    const perTap = tf.tidy(() => tf.transpose(tf.reshape(c.kernel, [taps, inC, outC]), [0, 2, 1]).dataSync() as Float32Array);
    let sum: string | null = null;
    for (let t = 0; t < taps; t++) {
      const w = perTap.slice(t * outC * inC, (t + 1) * outC * inC);
      const low = this.g.op('Conv', [x, this.g.floats(`${hint}_tap${t}_W`, [outC, inC, 1, 1], w)], `${hint}_tap${t}`, { kernel_shape: [1, 1] });
      const high = this.upsample(low, up);
      const pick = new Float32Array(outC * taps);
      for (let o = 0; o < outC; o++) pick[o * taps + t] = 1;
      const inputs = [high, this.g.floats(`${hint}_shift${t}_W`, [outC, 1, k, k], pick)];
      if (t === 0 && c.bias) inputs.push(this.g.floats(`${hint}_B`, [outC], c.bias.dataSync() as Float32Array));
      const shifted = this.g.op('Conv', inputs, `${hint}_shift${t}`, { kernel_shape: [k, k], group: outC, pads: [r, r, r, r] });
      sum = sum === null ? shifted : this.g.op('Add', [sum, shifted], `${hint}_sum${t}`);
    }
    return this.then(sum!, activation, `${hint}_act`);
  }

  upsample(x: string, layer: Layer): string {
    channelsLast(layer);
    const c = layer.getConfig();
    const [sh, sw] = pair(c['size'], 'size', layer);
    const interpolation = c['interpolation'] ?? 'nearest';
    if (interpolation !== 'bilinear' && interpolation !== 'nearest') unsupported(layer, `interpolates ${String(interpolation)}`);
    // tf.image.resize* without alignCorners / halfPixelCenters: source = destination / scale,
    // nearest rounding down (TF's legacy resize).
    const attributes: Record<string, AttributeValue> = interpolation === 'bilinear'
      ? { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }
      : { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    return this.g.op('Resize', [x, '', this.g.constFloats([1, 1, sh, sw])], layer.name, attributes);
  }

  convStep(step: ConvStep): void {
    const layer = this.layerNamed(step.name);
    const x = this.map(this.get(step.input), layer);
    const inSize = this.spatial(step.input, layer);
    const { filter, bias } = foldWeights(step.conv, step.bn);
    try {
      const conv = { ...step.conv, kernel: filter, bias };
      const y = step.upsample
        ? this.upsampledConv(x, step.upsample, conv, step.activation, step.name, inSize)
        : this.conv(x, inSize, conv, step.activation, step.name);
      this.set(step.output, y);
    } finally {
      tf.dispose([filter, ...(bias ? [bias] : [])]);
    }
  }

  private layerNamed(name: string): Layer {
    return this.model.getLayer(name);
  }

  /** A Conv2D / DepthwiseConv2D / atrous conv the fused plan left alone (e.g. its activation is swish). */
  plainConv(layer: Layer, input: number): Value {
    const className = layer.getClassName();
    const c: Config = layer.getConfig();
    const w = layer.getWeights();
    const x = this.map(this.get(input), layer);
    const inSize = this.spatial(input, layer);
    const bias = (w[1] as tf.Tensor1D | undefined) ?? null;
    if (className === AtrousConv2D.className) {
      const rate = c['rate'];
      if (typeof rate !== 'number') unsupported(layer, 'has no numeric rate');
      return this.conv(x, inSize, { kernel: w[0] as tf.Tensor4D, bias, depthwise: false, strides: [1, 1], pad: 'same', dilations: [rate, rate] }, 'linear', layer.name);
    }
    channelsLast(layer);
    const pad = c['padding'];
    if (pad !== 'same' && pad !== 'valid') unsupported(layer, `pads ${String(pad)}`);
    const depthwise = className === 'DepthwiseConv2D';
    const conv: Conv = {
      kernel: w[0] as tf.Tensor4D,
      bias,
      depthwise,
      strides: pair(c['strides'], 'strides', layer),
      pad,
      // tfjs-layers' DepthwiseConv2D ignores its dilationRate (it passes none to the op).
      dilations: depthwise ? [1, 1] : pair(c['dilationRate'], 'dilationRate', layer),
    };
    return this.conv(x, inSize, conv, this.activationName(layer, c['activation']), layer.name);
  }

  activationName(layer: Layer, name: unknown): Activation {
    const known: readonly string[] = ['linear', 'relu', 'relu6', 'sigmoid', 'swish', 'tanh', 'softmax'];
    if (typeof name === 'string' && known.includes(name)) return name as Activation;
    return unsupported(layer, `has activation ${JSON.stringify(name)}, which the exporter does not map`);
  }

  pool(layer: Layer, input: number, op: 'MaxPool' | 'AveragePool'): string {
    channelsLast(layer);
    const c = layer.getConfig();
    const kernel = pair(c['poolSize'], 'poolSize', layer);
    const strides = pair(c['strides'] ?? c['poolSize'], 'strides', layer);
    const pad = c['padding'];
    if (pad !== 'same' && pad !== 'valid') unsupported(layer, `pads ${String(pad)}`);
    const x = this.map(this.get(input), layer);
    // Padded cells are left out of averages, as TF's SAME average pooling does (count_include_pad 0).
    return this.g.op(op, [x], layer.name, { kernel_shape: kernel, strides, pads: padsFor(pad, this.spatial(input, layer), kernel, strides, [1, 1]) });
  }

  /** Any other layer call: one or a few standard ops. */
  layerStep(layer: Layer, inputs: number[], outputs: number[]): void {
    if (outputs.length !== 1) unsupported(layer, `has ${outputs.length} outputs`);
    const out = (v: Value): void => this.set(outputs[0]!, v);
    const only = (): Value => {
      if (inputs.length !== 1) unsupported(layer, `takes ${inputs.length} inputs, expected 1`);
      return this.get(inputs[0]!);
    };
    const c = layer.getConfig();
    const g = this.g;
    switch (layer.getClassName()) {
      case 'Dropout':
      case 'SpatialDropout2D':
        return out(only());
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case AtrousConv2D.className:
        only();
        return out(this.plainConv(layer, inputs[0]!));
      case 'Activation': {
        const x = only();
        const activation = this.activationName(layer, c['activation']);
        if (activation === 'softmax') return out(this.channelSoftmax(x, layer.name));
        return out({ name: this.activate(x.name, activation, layer.name), kind: x.kind });
      }
      case 'ReLU': {
        const x = only();
        const max = c['maxValue'];
        if (max === null || max === undefined) return out({ name: this.activate(x.name, 'relu', layer.name), kind: x.kind });
        if (typeof max !== 'number') unsupported(layer, `has maxValue ${JSON.stringify(max)}`);
        return out({ name: g.op('Clip', [x.name, g.constFloats([0], []), g.constFloats([max], [])], layer.name), kind: x.kind });
      }
      case 'Softmax': {
        const x = only();
        const axis = c['axis'];
        if (axis !== -1 && !(x.kind === 'map' && axis === 3) && !(x.kind === 'vector' && axis === 1)) unsupported(layer, `normalises axis ${JSON.stringify(axis)}; only the channel axis exports`);
        return out(this.channelSoftmax(x, layer.name));
      }
      case 'BatchNormalization':
        return out({ name: this.batchNorm(layer, only()), kind: only().kind });
      case 'Add':
      case 'Multiply': {
        const xs = inputs.map((id) => this.get(id));
        if (xs.length < 2 || xs.some((x) => x.kind !== xs[0]!.kind)) unsupported(layer, 'mixes feature maps and vectors');
        const opType = layer.getClassName() === 'Add' ? 'Add' : 'Mul';
        let acc = xs[0]!.name;
        for (const x of xs.slice(1)) acc = g.op(opType, [acc, x.name], layer.name);
        return out({ name: acc, kind: xs[0]!.kind });
      }
      case 'Concatenate': {
        const xs = inputs.map((id) => this.get(id));
        const axis = c['axis'];
        const kind = xs[0]!.kind;
        const channelAxis = axis === -1 || (kind === 'map' ? axis === 3 : axis === 1);
        if (!channelAxis || xs.some((x) => x.kind !== kind)) unsupported(layer, `concatenates on axis ${JSON.stringify(axis)}; only the channel axis exports`);
        return out({ name: g.op('Concat', xs.map((x) => x.name), layer.name, { axis: 1 }), kind });
      }
      case 'GlobalAveragePooling2D': {
        channelsLast(layer);
        if (c['keepDims'] === true) unsupported(layer, 'keeps its dims');
        return out({ name: g.op('GlobalAveragePool', [this.map(only(), layer)], layer.name), kind: 'vector' });
      }
      case 'Reshape': {
        const x = only();
        const target = c['targetShape'];
        const [h, w, ch] = Array.isArray(target) ? (target as unknown[]) : [];
        const channels = this.shapes.get(inputs[0]!)?.[1];
        if (x.kind !== 'vector' || target === undefined || (target as unknown[]).length !== 3 || h !== 1 || w !== 1 || ch !== channels) {
          unsupported(layer, `reshapes to ${JSON.stringify(target)}; only a pooled [N, C] to [1, 1, C] exports`);
        }
        return out({ name: x.name, kind: 'map' });
      }
      case 'UpSampling2D':
        return out({ name: this.upsample(this.map(only(), layer), layer), kind: 'map' });
      case 'ZeroPadding2D': {
        channelsLast(layer);
        const p = c['padding'];
        const rows = (Array.isArray(p) ? (p as unknown[]) : []).map((r) => (Array.isArray(r) ? (r as unknown[]) : [r, r]));
        const [top, bottom, left, right] = rows.flat();
        if (rows.length !== 2 || ![top, bottom, left, right].every((n) => Number.isInteger(n))) unsupported(layer, `pads ${JSON.stringify(p)}`);
        const pads = g.constInts([0, 0, top as number, left as number, 0, 0, bottom as number, right as number]);
        return out({ name: g.op('Pad', [this.map(only(), layer), pads], layer.name), kind: 'map' });
      }
      case 'MaxPooling2D':
        only();
        return out({ name: this.pool(layer, inputs[0]!, 'MaxPool'), kind: 'map' });
      case 'AveragePooling2D':
        only();
        return out({ name: this.pool(layer, inputs[0]!, 'AveragePool'), kind: 'map' });
      default:
        unsupported(layer, 'has no ONNX mapping');
    }
  }

  /** A BatchNormalization the plan could not fold (not after a conv): ONNX's own op. */
  batchNorm(layer: Layer, x: Value): string {
    const c = layer.getConfig();
    if (c['axis'] !== -1 && c['axis'] !== 3) unsupported(layer, `normalises axis ${JSON.stringify(c['axis'])}`);
    const epsilon = c['epsilon'];
    if (typeof epsilon !== 'number') unsupported(layer, 'has no numeric epsilon');
    const w = [...layer.getWeights()] as tf.Tensor1D[];
    const n = w[w.length - 1]!.shape[0];
    const gamma = c['scale'] !== false ? (w.shift()!.dataSync() as Float32Array) : new Float32Array(n).fill(1);
    const beta = c['center'] !== false ? (w.shift()!.dataSync() as Float32Array) : new Float32Array(n);
    const [mean, variance] = w.map((t) => t.dataSync() as Float32Array);
    const g = this.g;
    const params = [gamma, beta, mean!, variance!].map((d, i) => g.floats(`${layer.name}_${i}`, [n], d));
    return g.op('BatchNormalization', [x.name, ...params], layer.name, { epsilon: { float: epsilon } });
  }
}

function countOps(nodes: readonly { opType: string }[]): Record<string, number> {
  const ops: Record<string, number> = {};
  for (const n of nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
  return ops;
}

/** The model (its current weights) as ONNX bytes; throws UnsupportedLayerError for a layer it cannot map. */
export function exportOnnx(model: tf.LayersModel): ExportedOnnx {
  const plan = planModel(model);
  if (!plan) throw new UnsupportedLayerError(model.name, 'Model', `has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only one of each exports`);
  const inputShape = model.inputs[0]!.shape.slice(1);
  const outputShape = model.outputs[0]!.shape.slice(1);
  if (inputShape.length !== 3 || outputShape.length !== 3 || ![...inputShape, ...outputShape].every((d) => typeof d === 'number')) {
    throw new UnsupportedLayerError(model.name, 'Model', `has input [${inputShape.join(', ')}] and output [${outputShape.join(', ')}]; only fixed-size NHWC maps export`);
  }
  const e = new Exporter(model);
  const g = e.g;
  e.set(plan.input, { name: g.op('Transpose', [ONNX_INPUT], 'to_nchw', { perm: [0, 3, 1, 2] }), kind: 'map' });
  for (const step of plan.steps) {
    if (step.kind === 'conv') e.convStep(step);
    else if (step.kind === 'activation') {
      const x = e.get(step.input);
      e.set(step.output, { name: e.activate(x.name, step.activation, step.name), kind: x.kind });
    } else e.layerStep(step.layer, step.inputs, step.outputs);
  }
  const y = e.stored(plan.output);
  if (y.kind === 'vector') throw new UnsupportedLayerError(model.name, 'Model', 'gives a vector, not a map');
  if (y.kind === 'nhwc') g.nodes.push({ opType: 'Identity', inputs: [y.name], outputs: [ONNX_OUTPUT], name: 'output' });
  else g.nodes.push({ opType: 'Transpose', inputs: [y.name], outputs: [ONNX_OUTPUT], name: 'to_nhwc', attributes: { perm: [0, 2, 3, 1] } });
  const bytes = encodeModel({
    nodes: g.nodes,
    initializers: g.initializers,
    input: { name: ONNX_INPUT, dims: ['N', ...(inputShape as number[])] },
    output: { name: ONNX_OUTPUT, dims: ['N', ...(outputShape as number[])] },
    opset: ONNX_OPSET,
  });
  return { bytes, inputShape: inputShape as number[], outputShape: outputShape as number[], ops: countOps(g.nodes) };
}
