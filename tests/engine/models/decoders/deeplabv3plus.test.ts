// DeepLabV3+ runs its classifier before the last x4 upsampling: the model must compute what the
// Keras example's order (upsample, then classify) computes with the same weights.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../../src-main/engine/backend/index';
import { buildModel } from '../../../../src-main/engine/models/registry';
import { tf } from '../../../../src-main/engine/tf';

describe('DeepLabV3+ head', () => {
  beforeAll(async () => {
    await initEngine();
  });

  for (const name of ['deeplabv3plus-mobilenetv2', 'deeplabv3plus-mobilenetv1-face']) {
    it(`${name}: classifier then x4 equals x4 then classifier`, async () => {
      const model = buildModel(name, { inputSize: 64, numClasses: 8, seed: 3 });
      try {
        const names = model.layers.map((l) => l.name);
        // The order this test is about: logits → upsampling → softmax, at the end of the model.
        expect(names.slice(-3)).toEqual(['logits', 'decoder_up_out', 'probs']);
        const logits = model.getLayer('logits');
        // The bias must matter, so that the check covers it.
        const [kernel, bias] = logits.getWeights() as [tf.Tensor, tf.Tensor];
        const newBias = tf.randomUniform(bias.shape, -2, 2, 'float32', 5);
        logits.setWeights([kernel, newBias]);
        const x = tf.randomUniform([2, 64, 64, 3], -1, 1, 'float32', 9);
        const features = tf.model({ inputs: model.inputs, outputs: logits.input as tf.SymbolicTensor });
        const want = tf.tidy(() => {
          const f = features.predict(x) as tf.Tensor4D;
          const up = tf.image.resizeBilinear(f, [64, 64]);
          return tf.softmax(tf.add(tf.conv2d(up, kernel as tf.Tensor4D, 1, 'valid'), newBias));
        });
        const got = model.predict(x) as tf.Tensor;
        const diff = (await tf.max(tf.abs(tf.sub(got, want))).data())[0]!;
        expect(got.shape).toEqual([2, 64, 64, 8]);
        expect(diff).toBeLessThan(1e-5);
        tf.dispose([x, want, got, newBias]);
      } finally {
        model.dispose();
      }
    });
  }
});
