// DeepLabV3+ head (the Keras example's, as the peer builds it): ASPP on the high-level map
// (image pooling, 1x1, 3x3 with dilations 2, 4, 6; 64 filters; BN, ReLU; 1x1 fuse), x4, concat
// with the low-level map reduced by a 1x1 conv to 64, two 3x3 convs of 64, classifier, x4
// (classifier and x4 swapped from the Keras example's order: the same function, a cheaper step).
import { concat, convBnRelu, globalPool, side, upsample, upsampledClassifier, type SymbolicTensor } from '../layers/blocks';
import type { EncoderFeatures } from '../encoders/index';

export interface DeepLabOptions {
  filters: number;
  rates: number[];
}

export const DEEPLAB_DEFAULTS: DeepLabOptions = { filters: 64, rates: [2, 4, 6] };

function aspp(x: SymbolicTensor, o: DeepLabOptions): SymbolicTensor {
  const hw = side(x);
  const pool = convBnRelu(globalPool(x, 'aspp_pool'), { filters: o.filters, kernel: 1, useBias: true }, 'aspp_pool');
  const branches = [upsample(pool, hw, 'aspp_pool_up'), convBnRelu(x, { filters: o.filters, kernel: 1 }, 'aspp_1x1')];
  for (const r of o.rates) branches.push(convBnRelu(x, { filters: o.filters, kernel: 3, dilation: r }, `aspp_d${r}`));
  return convBnRelu(concat(branches, 'aspp_concat'), { filters: o.filters, kernel: 1 }, 'aspp_out');
}

export function deeplabv3plusDecoder(features: EncoderFeatures, numClasses: number, options: DeepLabOptions = DEEPLAB_DEFAULTS): SymbolicTensor {
  const a = aspp(features.high, options);
  const factor = side(features.low) / side(a);
  const up = upsample(a, factor, 'decoder_up_aspp');
  const low = convBnRelu(features.low, { filters: options.filters, kernel: 1 }, 'decoder_low');
  let y = concat([up, low], 'decoder_concat');
  y = convBnRelu(y, { filters: options.filters, kernel: 3 }, 'decoder_conv1');
  y = convBnRelu(y, { filters: options.filters, kernel: 3 }, 'decoder_conv2');
  // The classifier before the x4 (the same function, see upsampledClassifier).
  return upsampledClassifier(y, numClasses, 4, 'decoder_up_out');
}
