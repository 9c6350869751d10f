// Keras EfficientNet-B0, built up to `block6a_expand_bn` (672 ch, stride 16, before its swish),
// with the low-level tap `block3a_expand_bn` (144 ch, stride 4): what a Keras
// Model(inputs, [low, high]) keeps of the network. Drop-connect is left out (a regulariser that
// changes no shape or FLOP). Layer names follow keras.applications.
import { act, add, bn, conv, type SymbolicTensor } from '../layers/blocks';
import { tf } from '../../tf';
import type { EncoderDef } from './types';

const EPS = 1e-3;

interface BlockArgs {
  kernel: number;
  repeats: number;
  inC: number;
  outC: number;
  expand: number;
  stride: number;
}

/** Stages 1-5 and the start of 6 (Keras DEFAULT_BLOCKS_ARGS, se_ratio 0.25). */
const STAGES: BlockArgs[] = [
  { kernel: 3, repeats: 1, inC: 32, outC: 16, expand: 1, stride: 1 },
  { kernel: 3, repeats: 2, inC: 16, outC: 24, expand: 6, stride: 2 },
  { kernel: 5, repeats: 2, inC: 24, outC: 40, expand: 6, stride: 2 },
  { kernel: 3, repeats: 3, inC: 40, outC: 80, expand: 6, stride: 2 },
  { kernel: 5, repeats: 3, inC: 80, outC: 112, expand: 6, stride: 1 },
];

function expandConv(x: SymbolicTensor, filters: number, name: string): SymbolicTensor {
  return bn(conv(x, { filters, kernel: 1 }, `${name}expand_conv`), `${name}expand_bn`, EPS);
}

function mbConv(x: SymbolicTensor, a: BlockArgs, inC: number, stride: number, name: string, taps: Map<string, SymbolicTensor>): SymbolicTensor {
  const filters = inC * a.expand;
  let y = x;
  if (a.expand !== 1) {
    y = expandConv(y, filters, name);
    taps.set(`${name}expand_bn`, y);
    y = act(y, 'swish', `${name}expand_activation`);
  }
  y = tf.layers
    .depthwiseConv2d({ kernelSize: a.kernel, strides: stride, padding: 'same', useBias: false, name: `${name}dwconv` })
    .apply(y) as SymbolicTensor;
  y = act(bn(y, `${name}bn`, EPS), 'swish', `${name}activation`);
  // Squeeze-and-excitation on the expanded channels, squeezed to a quarter of the block input.
  const se = Math.max(1, Math.floor(inC * 0.25));
  let s = tf.layers.globalAveragePooling2d({ name: `${name}se_squeeze` }).apply(y) as SymbolicTensor;
  s = tf.layers.reshape({ targetShape: [1, 1, filters], name: `${name}se_reshape` }).apply(s) as SymbolicTensor;
  s = tf.layers.conv2d({ filters: se, kernelSize: 1, activation: 'swish', name: `${name}se_reduce` }).apply(s) as SymbolicTensor;
  s = tf.layers.conv2d({ filters, kernelSize: 1, activation: 'sigmoid', name: `${name}se_expand` }).apply(s) as SymbolicTensor;
  y = tf.layers.multiply({ name: `${name}se_excite` }).apply([y, s]) as SymbolicTensor;
  y = bn(conv(y, { filters: a.outC, kernel: 1 }, `${name}project_conv`), `${name}project_bn`, EPS);
  if (stride === 1 && inC === a.outC) y = add([y, x], `${name}add`);
  return y;
}

export const efficientnetb0: EncoderDef = {
  highTap: 'block6a_expand_bn',
  lowTap: 'block3a_expand_bn',
  build(input) {
    const taps = new Map<string, SymbolicTensor>();
    let x = conv(input, { filters: 32, kernel: 3, strides: 2 }, 'stem_conv');
    x = act(bn(x, 'stem_bn', EPS), 'swish', 'stem_activation');
    STAGES.forEach((a, i) => {
      for (let j = 0; j < a.repeats; j++) {
        const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
        x = mbConv(x, a, j === 0 ? a.inC : a.outC, j === 0 ? a.stride : 1, name, taps);
      }
    });
    // Block 6a is cut right after its expand BN.
    const high = expandConv(x, 112 * 6, 'block6a_');
    return { high, low: taps.get(this.lowTap)! };
  },
};
