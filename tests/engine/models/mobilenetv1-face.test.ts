// The face-initialised MobileNetV1 encoder: its trunk must compute what face-api's detector
// computes (same weights, same ops, input mapping folded into the first conv), checked against a
// direct re-implementation of face-api's mobileNetV1 forward pass with raw tf ops on the
// dequantised weights; and the random-init control must differ from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RGB_MEAN, RGB_STD } from '../../../src-main/dataset/batches/normalize';
import { initEngine } from '../../../src-main/engine/backend/index';
import { faceApiModelDir, mobilenetv1, mobilenetv1Face } from '../../../src-main/engine/models/encoders/mobilenetv1-face';
import { buildModel } from '../../../src-main/engine/models/registry';
import { tf } from '../../../src-main/engine/tf';

const SIZE = 64;
const STRIDES = new Set([2, 4, 6, 12]);

/** face-api's own forward (mobileNetV1.ts): conv0 s2 + offset, then depthwise+BN / pointwise+offset, ReLU6 each. */
function referenceTrunk(u: tf.Tensor4D, w: Record<string, tf.Tensor>, upTo: number): tf.Tensor4D {
  const g = (n: string) => w[`MobilenetV1/${n}`]!;
  const clip = (t: tf.Tensor4D) => tf.clipByValue(t, 0, 6);
  let x = clip(tf.add(tf.conv2d(u, g('Conv2d_0_pointwise/weights') as tf.Tensor4D, 2, 'same'), g('Conv2d_0_pointwise/convolution_bn_offset')));
  for (let i = 1; i <= upTo; i++) {
    const d = `Conv2d_${i}_depthwise`;
    const p = `Conv2d_${i}_pointwise`;
    const s = STRIDES.has(i) ? 2 : 1;
    x = tf.depthwiseConv2d(x, g(`${d}/depthwise_weights`) as tf.Tensor4D, s, 'same');
    x = clip(tf.batchNorm(x, g(`${d}/BatchNorm/moving_mean`) as tf.Tensor1D, g(`${d}/BatchNorm/moving_variance`) as tf.Tensor1D, g(`${d}/BatchNorm/beta`) as tf.Tensor1D, g(`${d}/BatchNorm/gamma`) as tf.Tensor1D, 0.0010000000474974513));
    x = clip(tf.add(tf.conv2d(x, g(`${p}/weights`) as tf.Tensor4D, 1, 'same'), g(`${p}/convolution_bn_offset`)));
  }
  return x;
}

describe('mobilenetv1-face encoder', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('reproduces face-api SSD MobileNetV1 features at both taps', () => {
    const dir = faceApiModelDir();
    const manifest = JSON.parse(readFileSync(join(dir, 'ssd_mobilenetv1_model-weights_manifest.json'), 'utf8')) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    const bytes = readFileSync(join(dir, manifest[0]!.paths[0]!));
    const weights = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), manifest[0]!.weights) as Record<string, tf.Tensor>;
    const before = tf.memory().numTensors;
    const input = tf.input({ shape: [SIZE, SIZE, 3] });
    const taps = mobilenetv1Face.build(input);
    const model = tf.model({ inputs: input, outputs: [taps.low, taps.high] });
    // A smooth synthetic "photo" in [0, 255] (no real images needed to check the arithmetic).
    const rgb = tf.tidy(() => tf.mul(tf.add(tf.sin(tf.mul(tf.range(0, SIZE * SIZE * 3), 0.013)), 1), 127.5).reshape([1, SIZE, SIZE, 3]) as tf.Tensor4D);
    const [low, high, refLow, refHigh] = tf.tidy(() => {
      const normalized = tf.div(tf.sub(tf.div(rgb, 255), tf.tensor1d([...RGB_MEAN])), tf.tensor1d([...RGB_STD])) as tf.Tensor4D;
      const u = tf.sub(tf.div(rgb, 127.5), 1) as tf.Tensor4D;
      const [l, h] = model.predict(normalized) as tf.Tensor[];
      return [l!, h!, referenceTrunk(u, weights, 3), referenceTrunk(u, weights, 11)];
    });
    expect(low.shape).toEqual([1, SIZE / 4, SIZE / 4, 128]);
    expect(high.shape).toEqual([1, SIZE / 16, SIZE / 16, 512]);
    // Only the first conv pads differently (its zeros are in the other input space); with even
    // sides, 'same' stride-2 pads the bottom and right only, so compare the top-left part.
    const inner = (t: tf.Tensor, m: number) => t.slice([0, 0, 0, 0], [1, t.shape[1]! - m, t.shape[2]! - m, -1]);
    const errLow = tf.tidy(() => tf.max(tf.abs(tf.sub(inner(low, 4), inner(refLow, 4)))).dataSync()[0]!);
    const scaleLow = tf.tidy(() => tf.max(tf.abs(inner(refLow, 4))).dataSync()[0]!);
    expect(scaleLow).toBeGreaterThan(0.1);
    expect(errLow / scaleLow).toBeLessThan(1e-3);
    // At stride 16 the padding effect reaches every pixel of a 4x4 map; the maps must still agree closely.
    const corr = tf.tidy(() => {
      const a = tf.sub(high, tf.mean(high));
      const b = tf.sub(refHigh, tf.mean(refHigh));
      return (tf.sum(tf.mul(a, b)).dataSync()[0]! / Math.sqrt(tf.sum(tf.square(a)).dataSync()[0]! * tf.sum(tf.square(b)).dataSync()[0]!));
    });
    expect(corr).toBeGreaterThan(0.95);
    tf.dispose([rgb, low, high, refLow, refHigh]);
    model.dispose();
    tf.dispose(Object.values(weights));
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('the control arm is randomly initialised, the transfer arm is not', () => {
    const input = tf.input({ shape: [SIZE, SIZE, 3] });
    const a = tf.model({ inputs: input, outputs: mobilenetv1.build(input).high });
    const input2 = tf.input({ shape: [SIZE, SIZE, 3] });
    const b = tf.model({ inputs: input2, outputs: mobilenetv1Face.build(input2).high });
    const wa = a.getLayer('conv_5_pointwise').getWeights()[0]!;
    const wb = b.getLayer('conv_5_pointwise').getWeights()[0]!;
    expect(wa.shape).toEqual(wb.shape);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(wa, wb))).dataSync()[0]!)).toBeGreaterThan(1e-3);
    a.dispose();
    b.dispose();
  });

  it('builds as a registered DeepLabV3+ model with 8-class output', () => {
    const m = buildModel('deeplabv3plus-mobilenetv1-face', { inputSize: SIZE, numClasses: 8, seed: 1 });
    expect(m.outputs[0]!.shape).toEqual([null, SIZE, SIZE, 8]);
    m.dispose();
  });
});
