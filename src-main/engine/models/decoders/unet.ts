// A small U-Net with its own plain encoder, for quick experiments: per level two 3x3 conv + BN +
// ReLU, max-pool down; bilinear x2 up, concat the skip, two 3x3 convs. Widths are configurable.
import { tf } from '../../tf';
import { classifier, concat, convBnRelu, upsample, type SymbolicTensor } from '../layers/blocks';

export interface UnetOptions {
  /** Channels per level, shallow to deep; the input side must divide by 2^(levels-1). */
  widths: number[];
}

export const UNET_DEFAULTS: UnetOptions = { widths: [16, 32, 64, 128] };

function doubleConv(x: SymbolicTensor, filters: number, name: string): SymbolicTensor {
  return convBnRelu(convBnRelu(x, { filters, kernel: 3 }, `${name}_a`), { filters, kernel: 3 }, `${name}_b`);
}

export function unet(input: SymbolicTensor, numClasses: number, options: UnetOptions = UNET_DEFAULTS): SymbolicTensor {
  const { widths } = options;
  if (widths.length < 2) throw new Error(`unet: need at least 2 widths, got [${widths.join(', ')}]`);
  const skips: SymbolicTensor[] = [];
  let x = input;
  widths.forEach((w, i) => {
    if (i > 0) x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `enc${i}_pool` }).apply(x) as SymbolicTensor;
    x = doubleConv(x, w, `enc${i}`);
    skips.push(x);
  });
  for (let i = widths.length - 2; i >= 0; i--) {
    x = upsample(x, 2, `dec${i}_up`);
    x = concat([x, skips[i]!], `dec${i}_concat`);
    x = doubleConv(x, widths[i]!, `dec${i}`);
  }
  return classifier(x, numClasses);
}
