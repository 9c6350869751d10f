// A leaner gradient for FusedBatchNorm with per-channel statistics (every BatchNormalization
// layer). tfjs-core's version runs ~9 full-size elementwise ops per layer, two of them on a
// Tile of the per-channel factor, and computes x − mean and dy·scale eagerly even when unused;
// on wasm those passes dominated a training step (Multiply + Sub + Tile ≈ 4 s of 18 s,
// DeepLabV3+ MobileNetV2 at 256, batch 4). Here per-channel factors broadcast instead, and each
// input's gradient costs at most one subtraction, one product and one pooled sum:
//   dx = dy·γ·r,  dmean = −Σdy·γ·r,  dvar = −½·γ·r³·Σdy(x−μ),  dγ = r·Σdy(x−μ),  dβ = Σdy
// with r = 1/√(var + ε) and Σ over every axis but the last. Gradients are global (all backends);
// other shapes use tfjs's own formula.
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { tf } from '../../tf';

let original: GradConfig | undefined;

function gradFunc(dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap): Record<string, () => Tensor> {
  const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
  const g = dy as Tensor;
  if (mean.rank !== 1 || x.rank < 2 || x.shape[x.rank - 1] !== mean.shape[0] || variance.rank !== 1) {
    return original!.gradFunc(dy, saved, attrs) as Record<string, () => Tensor>;
  }
  const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const r = () => tf.rsqrt(tf.add(variance, epsilon));
  const gamma = () => (scale === undefined || scale === null ? tf.scalar(1) : scale);
  const sumDyCentered = () => tf.sum(tf.mul(g, tf.sub(x, mean)), axes);
  return {
    x: () => tf.mul(g, tf.mul(gamma(), r())),
    mean: () => tf.neg(tf.mul(tf.sum(g, axes), tf.mul(gamma(), r()))),
    variance: () => tf.mul(sumDyCentered(), tf.mul(tf.mul(gamma(), tf.pow(r(), 3)), -0.5)),
    scale: () => tf.mul(sumDyCentered(), r()),
    offset: () => tf.sum(g, axes),
  };
}

/** Installs the gradient once (keeping tfjs's for the shapes it does not cover). */
export function registerFusedBatchNormGrad(): void {
  const current = tf.getGradient('FusedBatchNorm');
  if (current?.gradFunc === gradFunc) return;
  if (current === undefined) throw new Error('tfjs has no FusedBatchNorm gradient to replace');
  original = current;
  tf.registerGradient({ kernelName: 'FusedBatchNorm', inputsToSave: ['x', 'mean', 'variance', 'scale'], gradFunc });
}

/** tfjs's own gradient (for tests that compare the two); undefined before registration. */
export function tfjsFusedBatchNormGrad(): GradConfig | undefined {
  return original;
}
