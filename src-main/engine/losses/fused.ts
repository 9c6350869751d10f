// The run's loss (CE + Dice + Jaccard, weighted; not focal) as one op with an analytic gradient,
// on the wasm SIMD kernels (kernels/wasm/SegLoss.ts). The kernels give per-class sums
// I = Σp·t, P = Σp, T = Σt, CE = Σ_{t=1} −log(clip(p)); the loss and the gradient's per-class
// coefficients follow here in f64, exactly as functional.ts defines the terms:
//   dL/dp = α_c + t·β_c − t·γ_c/p,  with S = P + T, U = S − I, a_c the class-mean weight,
//   α_c = w_dice·a_c·(2I+ε)/(S+ε)² + w_jac·a_c·(I+ε)/(U+ε)²
//   β_c = −w_dice·a_c·2/(S+ε) − w_jac·a_c·((U+ε) + (I+ε))/(U+ε)²
//   γ_c = w_ce·w_c/pixels
import { fastPathsEnabled } from '../kernels/switch';
import { simdKernels } from '../kernels/simd/module';
import { SEG_LOSS_GRAD, SEG_LOSS_SUMS } from '../kernels/wasm/SegLoss';
import { tf } from '../tf';
import { EPS } from './functional';
import type { LossWeights } from './index';

export function canFuseLoss(probs: tf.Tensor, w: LossWeights, numClasses: number): boolean {
  return (
    fastPathsEnabled() && w.focalGamma === 0 && probs.dtype === 'float32' && probs.shape[probs.rank - 1] === numClasses &&
    tf.getBackend() === 'wasm' && simdKernels(tf.backend()) !== null
  );
}

/** The loss value and the gradient's coefficients [α; β; γ] from the per-class sums. */
export function lossTerms(sums: ArrayLike<number>, w: LossWeights, pixels: number): { value: number; coeffs: Float32Array } {
  const C = sums.length / 4;
  const cw = w.classWeights;
  const total = cw ? cw.reduce((a, b) => a + b, 0) : C;
  const coeffs = new Float32Array(3 * C);
  let ce = 0;
  let dice = 0;
  let jac = 0;
  for (let c = 0; c < C; c++) {
    const [I, P, T, CE] = [sums[c]!, sums[C + c]!, sums[2 * C + c]!, sums[3 * C + c]!];
    const a = (cw ? cw[c]! : 1) / total;
    const S = P + T + EPS;
    const U = P + T - I + EPS;
    ce += (cw ? cw[c]! : 1) * CE;
    dice += a * ((2 * I + EPS) / S);
    jac += a * ((I + EPS) / U);
    coeffs[c] = (w.dice * a * (2 * I + EPS)) / (S * S) + (w.jaccard * a * (I + EPS)) / (U * U);
    coeffs[C + c] = (-w.dice * a * 2) / S - (w.jaccard * a * (U + I + EPS)) / (U * U);
    coeffs[2 * C + c] = (w.ce * (cw ? cw[c]! : 1)) / pixels;
  }
  const value = (w.ce > 0 ? w.ce * (ce / pixels) : 0) + (w.dice > 0 ? w.dice * (1 - dice) : 0) + (w.jaccard > 0 ? w.jaccard * (1 - jac) : 0);
  return { value, coeffs };
}

/** `probs` [.., C] softmax output, `labels` class indices (any dtype) with one entry per pixel. */
export function fusedLoss(probs: tf.Tensor, labels: tf.Tensor, w: LossWeights): tf.Scalar {
  const C = probs.shape[probs.rank - 1]!;
  const pixels = probs.size / C;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [p, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const ints = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
    const sums = tf.engine().runKernel(SEG_LOSS_SUMS, { probs: p, labels: ints }) as tf.Tensor;
    const { value, coeffs } = lossTerms(sums.dataSync(), w, pixels);
    const coeffTensor = tf.tensor2d(coeffs, [3, C]);
    // Labels and coefficients outlive this scope until the backward pass: saved (kept) with p.
    save([p, ints, coeffTensor]);
    return {
      value: tf.scalar(value),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sp, sl, sc] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(SEG_LOSS_GRAD, { probs: sp, labels: sl, coeffs: sc, dy: dy as tf.Tensor }) as tf.Tensor;
      },
    };
  });
  return op(probs) as tf.Scalar;
}
