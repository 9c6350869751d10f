// Keras MobileNetV2 (alpha 1.0), built up to `block_12_add` (96 ch, stride 16). The low-level tap
// is `block_3_expand_relu` (144 ch, stride 4). Layer names follow keras.applications so taps are
// picked by the same names; stride-2 depthwise convs use `same` padding, which for even sizes
// pads exactly as Keras's `correct_pad` + `valid` does.
import { act, add, bn, conv, type SymbolicTensor } from '../layers/blocks';
import { tf } from '../../tf';
import type { EncoderDef } from './types';

const EPS = 1e-3;

function invertedRes(x: SymbolicTensor, inC: number, expansion: number, stride: number, outC: number, id: number, taps: Map<string, SymbolicTensor>): SymbolicTensor {
  const prefix = id === 0 ? 'expanded_conv_' : `block_${id}_`;
  let y = x;
  if (id !== 0) {
    y = conv(y, { filters: inC * expansion, kernel: 1 }, `${prefix}expand`);
    y = act(bn(y, `${prefix}expand_BN`, EPS), 'relu6', `${prefix}expand_relu`);
    taps.set(`${prefix}expand_relu`, y);
  }
  y = tf.layers
    .depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, name: `${prefix}depthwise` })
    .apply(y) as SymbolicTensor;
  y = act(bn(y, `${prefix}depthwise_BN`, EPS), 'relu6', `${prefix}depthwise_relu`);
  y = bn(conv(y, { filters: outC, kernel: 1 }, `${prefix}project`), `${prefix}project_BN`, EPS);
  if (inC === outC && stride === 1) {
    y = add([x, y], `${prefix}add`);
    taps.set(`${prefix}add`, y);
  }
  return y;
}

/** [expansion, out channels, stride] of blocks 0..12 (Keras MobileNetV2, alpha 1.0). */
const BLOCKS: [number, number, number][] = [
  [1, 16, 1],
  [6, 24, 2], [6, 24, 1],
  [6, 32, 2], [6, 32, 1], [6, 32, 1],
  [6, 64, 2], [6, 64, 1], [6, 64, 1], [6, 64, 1],
  [6, 96, 1], [6, 96, 1], [6, 96, 1],
];

export const mobilenetv2: EncoderDef = {
  highTap: 'block_12_add',
  lowTap: 'block_3_expand_relu',
  build(input) {
    const taps = new Map<string, SymbolicTensor>();
    let x = conv(input, { filters: 32, kernel: 3, strides: 2 }, 'Conv1');
    x = act(bn(x, 'bn_Conv1', EPS), 'relu6', 'Conv1_relu');
    let inC = 32;
    BLOCKS.forEach(([e, outC, s], id) => {
      x = invertedRes(x, inC, e, s, outC, id, taps);
      inC = outC;
    });
    return { high: taps.get(this.highTap)!, low: taps.get(this.lowTap)! };
  },
};
