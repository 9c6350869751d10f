// The original project's PSPNet head on a stride-8 feature map: 1x1 conv 128 + BN + ReLU,
// pyramid pooling (global, 2, 4, 8; 32 filters each; BN, ReLU, bilinear back), concat,
// bilinear x8, 3x3 conv 64 + BN + ReLU, then the classifier.
import { tf } from '../../tf';
import { classifier, concat, convBnRelu, globalPool, side, upsample, type SymbolicTensor } from '../layers/blocks';
import type { EncoderFeatures } from '../encoders/index';

const BINS = [2, 4, 8];

export function pspnetDecoder(features: EncoderFeatures, numClasses: number, outputStride: number): SymbolicTensor {
  const f = convBnRelu(features.high, { filters: 128, kernel: 1 }, 'psp_reduce');
  const hw = side(f);
  const branches = [f];
  const g = convBnRelu(globalPool(f, 'psp_pool_global'), { filters: 32, kernel: 1 }, 'psp_branch_global');
  branches.push(upsample(g, hw, 'psp_up_global'));
  for (const bin of BINS) {
    if (hw % bin !== 0) throw new Error(`pspnet: feature side ${hw} is not divisible by pool size ${bin}`);
    const pooled = tf.layers.averagePooling2d({ poolSize: bin, strides: bin, name: `psp_pool_${bin}` }).apply(f) as SymbolicTensor;
    const b = convBnRelu(pooled, { filters: 32, kernel: 1 }, `psp_branch_${bin}`);
    branches.push(upsample(b, bin, `psp_up_${bin}`));
  }
  let y = concat(branches, 'psp_concat');
  y = upsample(y, outputStride, 'psp_up_out');
  y = convBnRelu(y, { filters: 64, kernel: 3 }, 'psp_head');
  return classifier(y, numClasses);
}
