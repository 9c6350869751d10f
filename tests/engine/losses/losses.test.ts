// Losses against hand-computed values: 2 pixels, 2 classes, truth [0, 1],
// probabilities [[0.75, 0.25], [0.5, 0.5]].
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { crossEntropyLoss, diceLoss, jaccardLoss, makeLoss } from '../../../src-main/engine/losses/index';
import { tf } from '../../../src-main/engine/tf';

beforeAll(async () => {
  await initEngine();
});

const probs = () => tf.tensor4d([0.75, 0.25, 0.5, 0.5], [1, 1, 2, 2]);
const onehot = () => tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]);
const labels = () => tf.tensor3d([0, 1], [1, 1, 2], 'int32');
const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('losses', () => {
  it('cross-entropy, class-weighted and focal', () => {
    expect(value(crossEntropyLoss(probs(), onehot()))).toBeCloseTo((-Math.log(0.75) - Math.log(0.5)) / 2, 5);
    expect(value(crossEntropyLoss(probs(), onehot(), tf.tensor1d([1, 3])))).toBeCloseTo((-Math.log(0.75) - 3 * Math.log(0.5)) / 2, 5);
    expect(value(crossEntropyLoss(probs(), onehot(), null, 2))).toBeCloseTo((-(0.25 ** 2) * Math.log(0.75) - 0.5 ** 2 * Math.log(0.5)) / 2, 5);
  });

  it('Dice and Jaccard averaged over classes', () => {
    expect(value(diceLoss(probs(), onehot()))).toBeCloseTo(1 - (1.5 / 2.25 + 1 / 1.75) / 2, 5);
    expect(value(jaccardLoss(probs(), onehot()))).toBeCloseTo(1 - (0.75 / 1.5 + 0.5 / 1.25) / 2, 5);
    // Class weights weigh the class mean.
    expect(value(diceLoss(probs(), onehot(), tf.tensor1d([0, 1])))).toBeCloseTo(1 - 1 / 1.75, 5);
  });

  it('the original combination is CE + Dice + Jaccard, each weightable', () => {
    const ce = (-Math.log(0.75) - Math.log(0.5)) / 2;
    const dice = 1 - (1.5 / 2.25 + 1 / 1.75) / 2;
    const jac = 1 - (0.75 / 1.5 + 0.5 / 1.25) / 2;
    const base = { focalGamma: 0, classWeights: null };
    expect(value(makeLoss({ ...base, ce: 1, dice: 1, jaccard: 1 }, 2)(probs(), labels()))).toBeCloseTo(ce + dice + jac, 5);
    expect(value(makeLoss({ ...base, ce: 2, dice: 0, jaccard: 0.5 }, 2)(probs(), labels()))).toBeCloseTo(2 * ce + 0.5 * jac, 5);
  });

  it('a perfect prediction costs (almost) nothing', () => {
    const perfect = tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]);
    expect(value(makeLoss({ ce: 1, dice: 1, jaccard: 1, focalGamma: 0, classWeights: null }, 2)(perfect, labels()))).toBeCloseTo(0, 4);
  });

  it('refuses a wrong number of class weights and all-zero weights', () => {
    expect(() => makeLoss({ ce: 1, dice: 1, jaccard: 1, focalGamma: 0, classWeights: [1, 2, 3] }, 2)).toThrow(/3 class weights for 2 classes/);
    expect(() => makeLoss({ ce: 0, dice: 0, jaccard: 0, focalGamma: 0, classWeights: null }, 2)).toThrow(/all loss weights are 0/);
  });

  it('leaks no tensors', () => {
    const p = probs();
    const l = labels();
    const before = tf.memory().numTensors;
    makeLoss({ ce: 1, dice: 1, jaccard: 1, focalGamma: 2, classWeights: [1, 2] }, 2)(p, l).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, l]);
  });
});
