// Keras ResNet50 (v1: stride on the first 1x1 conv, biased convs, BN eps 1.001e-5), built up to
// `conv3_block4_add` (stride 8, 512 channels, before the ReLU): the original project's PSPNet trunk.
import { act, add, bn, conv, type SymbolicTensor } from '../layers/blocks';
import { tf } from '../../tf';
import type { EncoderDef } from './types';

const EPS = 1.001e-5;

function block1(x: SymbolicTensor, filters: number, stride: number, convShortcut: boolean, name: string, finalRelu: boolean): SymbolicTensor {
  const shortcut = convShortcut
    ? bn(conv(x, { filters: 4 * filters, kernel: 1, strides: stride, useBias: true }, `${name}_0_conv`), `${name}_0_bn`, EPS)
    : x;
  let y = conv(x, { filters, kernel: 1, strides: stride, useBias: true }, `${name}_1_conv`);
  y = act(bn(y, `${name}_1_bn`, EPS), 'relu', `${name}_1_relu`);
  y = conv(y, { filters, kernel: 3, useBias: true }, `${name}_2_conv`);
  y = act(bn(y, `${name}_2_bn`, EPS), 'relu', `${name}_2_relu`);
  y = bn(conv(y, { filters: 4 * filters, kernel: 1, useBias: true }, `${name}_3_conv`), `${name}_3_bn`, EPS);
  y = add([shortcut, y], `${name}_add`);
  return finalRelu ? act(y, 'relu', `${name}_out`) : y;
}

function trunk(input: SymbolicTensor): { conv2: SymbolicTensor; conv3: SymbolicTensor } {
  let x = tf.layers.zeroPadding2d({ padding: 3, name: 'conv1_pad' }).apply(input) as SymbolicTensor;
  x = conv(x, { filters: 64, kernel: 7, strides: 2, padding: 'valid', useBias: true }, 'conv1_conv');
  x = act(bn(x, 'conv1_bn', EPS), 'relu', 'conv1_relu');
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'pool1_pad' }).apply(x) as SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as SymbolicTensor;
  for (let i = 1; i <= 3; i++) x = block1(x, 64, 1, i === 1, `conv2_block${i}`, true);
  const conv2 = x;
  for (let i = 1; i <= 4; i++) x = block1(x, 128, i === 1 ? 2 : 1, i === 1, `conv3_block${i}`, i < 4);
  return { conv2, conv3: x };
}

export const resnet50: EncoderDef = {
  highTap: 'conv3_block4_add',
  lowTap: 'conv2_block3_out',
  build(input) {
    const { conv2, conv3 } = trunk(input);
    return { high: conv3, low: conv2 };
  },
};
