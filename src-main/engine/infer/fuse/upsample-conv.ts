// A conv that reads an upsampled map, with the channel mixing done before the upsampling. Bilinear
// (or nearest) upsampling is linear and acts on each channel alone, so it commutes with the
// conv's per-tap matrices: conv_k(up(z), W) = Σ_taps shift_tap(up(z · W_tap)). The mixing then
// runs at the low resolution (s² fewer pixels), and the full-resolution work is k² upsamplings of
// the conv's output channels plus their shifted sum, instead of a k×k conv over every input
// channel at full size. PSPNet's head (x8 up, 3x3 conv 256 -> 64) drops from most of its inference
// time to a fraction; DeepLab's classifier (x4 up, 1x1 conv 64 -> 8) upsamples 8 channels, not 64.
//
// Shifts use tf.pad onto a canvas k-1 wider (a C++ kernel on wasm; tf.slice there copies row by
// row in JS and costs ten times as much), and one depthwise conv with a centre-only kernel cuts
// the canvas back to size while adding the bias and applying the activation.
import { tf } from '../../tf';
import type { FoldedWeights } from './fold-bn';
import type { ConvSpec, FusedActivation } from './layer-specs';

type Layer = tf.layers.Layer;

/**
 * Whether a conv after `up` should run upsampling-last: a same-padded, stride-1, undilated square
 * conv with an odd kernel (so the taps are symmetric shifts), and worth it: a 1x1 conv must not
 * widen the map (the upsampling then moves fewer channels), a larger one needs enough input
 * channels that k² cheap full-size passes beat a k×k×C conv (below ~64 they do not).
 */
export function upsamplesFirst(up: Layer, conv: ConvSpec): boolean {
  if (up.getClassName() !== 'UpSampling2D') return false;
  const format = up.getConfig()['dataFormat'];
  if (format !== undefined && format !== 'channelsLast') return false;
  const [kh, kw, inC, outC] = conv.kernel.shape;
  const plain = !conv.depthwise && conv.strides.every((s) => s === 1) && conv.dilations.every((d) => d === 1);
  if (!plain || kh !== kw || kh % 2 !== 1) return false;
  if (kh === 1) return outC <= inC;
  return conv.pad === 'same' && inC >= 128;
}

function activate(x: tf.Tensor, activation: FusedActivation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
  }
}

/** The step's function, its compile-time tensors pushed onto `owned`. */
export function upsampleConv(up: Layer, weights: FoldedWeights, activation: FusedActivation, owned: tf.Tensor[]): (x: tf.Tensor4D) => tf.Tensor {
  const { filter, bias } = weights;
  const [k, , inC, outC] = filter.shape;
  const upsample = (t: tf.Tensor): tf.Tensor4D => up.apply([t]) as tf.Tensor4D;
  if (k === 1) {
    // Interpolation weights sum to 1, so the bias may be added before upsampling.
    return (x) => {
      const low = tf.fused.conv2d({ x, filter, strides: 1, pad: 'valid', ...(bias ? { bias } : {}) });
      const high = upsample(low);
      low.dispose();
      return activate(high, activation);
    };
  }
  const r = (k - 1) / 2;
  const taps = tf.tidy(() => {
    const out: { filter: tf.Tensor4D; dy: number; dx: number }[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        out.push({ filter: tf.slice(filter, [i, j, 0, 0], [1, 1, inC, outC]), dy: i - r, dx: j - r });
      }
    }
    return out;
  });
  const centre = tf.tidy(() => {
    const pick = new Float32Array(k * k * outC);
    pick.fill(1, (r * k + r) * outC, (r * k + r + 1) * outC);
    return tf.tensor4d(pick, [k, k, outC, 1]);
  });
  owned.push(...taps.map((t) => t.filter), centre);
  return (x) => {
    let canvas: tf.Tensor4D | null = null;
    for (const tap of taps) {
      const low = tf.conv2d(x, tap.filter, 1, 'valid');
      const high = upsample(low);
      low.dispose();
      // Output pixel p reads tap (dy, dx) at p + (dy, dx): on a canvas padded by r, that is the
      // tap's map placed at offset (r - dy, r - dx).
      const placed = tf.pad(high, [[0, 0], [r - tap.dy, r + tap.dy], [r - tap.dx, r + tap.dx], [0, 0]]);
      high.dispose();
      if (canvas) {
        const sum: tf.Tensor4D = tf.add(canvas, placed);
        tf.dispose([canvas, placed]);
        canvas = sum;
      } else {
        canvas = placed;
      }
    }
    const out = tf.fused.depthwiseConv2d({ x: canvas!, filter: centre, strides: 1, pad: 'valid', activation, ...(bias ? { bias } : {}) });
    canvas!.dispose();
    return out;
  };
}
