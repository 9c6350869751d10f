// MobileNetV1 (width 1.0) initialised from a face-trained network: the trunk of the SSD
// MobileNetV1 face detector bundled with @vladmandic/face-api (model/ssd_mobilenetv1_model.*,
// MIT, trained on WIDER FACE). Transfer learning for the CPU, where a few epochs is all a run
// gets: the detector's convolutions already respond to faces and their parts.
//
// The trunk is built up to pointwise conv 11 (512 ch, stride 16, the high-level tap); the
// low-level tap is pointwise conv 3 (128 ch, stride 4). As in face-api, pointwise convs carry
// their batch norm folded into a bias (no BN layer), depthwise convs have a BN layer, and every
// block ends in ReLU6. face-api feeds pixels as x / 127.5 - 1 while our models get
// (x / 255 - mean) / std; that per-channel affine map is folded into the first conv, so the
// encoder sees what it was trained on (up to the zero padding at the border).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RGB_MEAN, RGB_STD } from '../../../dataset/batches/normalize';
import { tf } from '../../tf';
import { BatchNormalization } from '../layers/batch-norm';
import { Conv2D } from '../layers/conv2d';
import { act, BN_MOMENTUM, type SymbolicTensor } from '../layers/blocks';
import type { EncoderDef } from './types';

/** face-api's batch-norm epsilon for the depthwise convs. */
const EPS = 0.0010000000474974513;
const PREFIX = 'MobilenetV1';
/** Pointwise output channels of blocks 1..11 and the depthwise stride of each. */
const BLOCKS: [number, number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1],
];

let cached: { dir: string; weights: Map<string, { data: Float32Array; shape: number[] }> } | null = null;

/** The face-api model folder (installed package), or a clear error when it is missing. */
export function faceApiModelDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
  } catch {
    throw new Error('encoder mobilenetv1-face needs the @vladmandic/face-api package (its model/ folder holds the weights): npm install @vladmandic/face-api');
  }
}

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Dequantised float weights of the detector's MobileNetV1 trunk, read once per process. */
function trunkWeights(): Map<string, { data: Float32Array; shape: number[] }> {
  const dir = faceApiModelDir();
  if (cached?.dir === dir) return cached.weights;
  const manifestPath = join(dir, 'ssd_mobilenetv1_model-weights_manifest.json');
  let groups: ManifestGroup[];
  try {
    groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestGroup[];
  } catch (error) {
    throw new Error(`${manifestPath}: cannot read face-api weights manifest (${(error as Error).message})`);
  }
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const group of groups) {
    const chunks = group.paths.map((p) => readFileSync(join(dir, p)));
    const bytes = Buffer.concat(chunks);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    // decodeWeights dequantises (min + scale * q) and checks the sizes against the manifest.
    const named = tf.io.decodeWeights(buffer, group.weights) as Record<string, tf.Tensor>;
    for (const [name, t] of Object.entries(named)) {
      if (name.startsWith(`${PREFIX}/`) && t.dtype === 'float32') out.set(name, { data: t.dataSync() as Float32Array, shape: t.shape });
      t.dispose();
    }
  }
  cached = { dir, weights: out };
  return out;
}

function take(weights: Map<string, { data: Float32Array; shape: number[] }>, name: string, shape: number[]): Float32Array {
  const w = weights.get(`${PREFIX}/${name}`);
  if (!w) throw new Error(`face-api ssd_mobilenetv1 weights: ${PREFIX}/${name} not found`);
  if (w.shape.join('x') !== shape.join('x')) throw new Error(`face-api ssd_mobilenetv1 weights: ${PREFIX}/${name} has shape ${w.shape.join('x')}, expected ${shape.join('x')}`);
  return w.data;
}

/**
 * First conv with the input mapping folded in: face-api input u = 2 * (x * std + mean) - 1 per
 * channel, so W' = W * 2 std_c and b' = b + Σ W * (2 mean_c - 1).
 */
function foldedStem(kernel: Float32Array, bias: Float32Array, outC: number): [Float32Array, Float32Array] {
  const w = new Float32Array(kernel.length);
  const b = Float32Array.from(bias);
  // kernel layout [kh, kw, inC=3, outC]
  for (let i = 0; i < kernel.length; i++) {
    const o = i % outC;
    const c = Math.floor(i / outC) % 3;
    w[i] = kernel[i]! * 2 * RGB_STD[c]!;
    b[o]! += kernel[i]! * (2 * RGB_MEAN[c]! - 1);
  }
  return [w, b];
}

function setWeights(layer: tf.layers.Layer, values: { data: Float32Array; shape: number[] }[]): void {
  const tensors = values.map((v) => tf.tensor(v.data, v.shape));
  layer.setWeights(tensors);
  tf.dispose(tensors);
}

export interface MobileNetV1FaceOptions {
  /** Keep the random initialisation (the "without transfer" arm of a comparison). */
  pretrained: boolean;
}

function buildTrunk(input: SymbolicTensor, options: MobileNetV1FaceOptions): { taps: Map<string, SymbolicTensor> } {
  const weights = options.pretrained ? trunkWeights() : null;
  const taps = new Map<string, SymbolicTensor>();
  const stem = new Conv2D({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', useBias: true, name: 'conv_0' });
  let x = stem.apply(input) as SymbolicTensor;
  if (weights) {
    const [w, b] = foldedStem(take(weights, 'Conv2d_0_pointwise/weights', [3, 3, 3, 32]), take(weights, 'Conv2d_0_pointwise/convolution_bn_offset', [32]), 32);
    setWeights(stem, [{ data: w, shape: [3, 3, 3, 32] }, { data: b, shape: [32] }]);
  }
  x = act(x, 'relu6', 'conv_0_relu');
  let inC = 32;
  BLOCKS.forEach(([outC, stride], i) => {
    const id = i + 1;
    const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, name: `conv_${id}_depthwise` });
    x = dw.apply(x) as SymbolicTensor;
    const norm = new BatchNormalization({ name: `conv_${id}_depthwise_bn`, momentum: BN_MOMENTUM, epsilon: EPS });
    x = norm.apply(x) as SymbolicTensor;
    x = act(x, 'relu6', `conv_${id}_depthwise_relu`);
    const pw = new Conv2D({ filters: outC, kernelSize: 1, padding: 'same', useBias: true, name: `conv_${id}_pointwise` });
    x = pw.apply(x) as SymbolicTensor;
    x = act(x, 'relu6', `conv_${id}_pointwise_relu`);
    taps.set(`conv_${id}_pointwise_relu`, x);
    if (weights) {
      const d = `Conv2d_${id}_depthwise`;
      const p = `Conv2d_${id}_pointwise`;
      setWeights(dw, [{ data: take(weights, `${d}/depthwise_weights`, [3, 3, inC, 1]), shape: [3, 3, inC, 1] }]);
      // Keras BN weight order: gamma, beta, moving mean, moving variance.
      setWeights(norm, ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((k) => ({ data: take(weights, `${d}/BatchNorm/${k}`, [inC]), shape: [inC] })));
      setWeights(pw, [
        { data: take(weights, `${p}/weights`, [1, 1, inC, outC]), shape: [1, 1, inC, outC] },
        { data: take(weights, `${p}/convolution_bn_offset`, [outC]), shape: [outC] },
      ]);
    }
    inC = outC;
  });
  return { taps };
}

function encoder(options: MobileNetV1FaceOptions): EncoderDef {
  return {
    highTap: 'conv_11_pointwise_relu',
    lowTap: 'conv_3_pointwise_relu',
    build(input) {
      const { taps } = buildTrunk(input, options);
      return { high: taps.get(this.highTap)!, low: taps.get(this.lowTap)! };
    },
  };
}

/** MobileNetV1 trunk with face-api's face-detector weights (transfer learning). */
export const mobilenetv1Face: EncoderDef = encoder({ pretrained: true });
/** The same trunk, randomly initialised: the control arm. */
export const mobilenetv1: EncoderDef = encoder({ pretrained: false });
