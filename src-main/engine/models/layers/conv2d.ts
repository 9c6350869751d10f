// tfjs-layers' Conv2D, training through tf.conv2d (+ a bias add) on wasm instead of tfjs's fused
// conv2d. The fused op's gradient is a customGrad that computes the input gradient eagerly, even
// for the model's first layer, whose input is the image: 53 ms of a DeepLabV3+ MobileNetV2 step
// (Conv1's Conv2DBackpropInput to 4×256×256×3; batch 4, 256 px, 1 thread). tf.conv2d's gradient
// is per input, so the tape skips it. Same kernels otherwise: XNNPACK's conv forward, the same
// backprop kernels, and the bias gradient is the same sum. Registered under the same class name,
// so saved models are unchanged; inference and other backends use the original code.
import { fastPathsEnabled } from '../../kernels/switch';
import { tf } from '../../tf';

type Kwargs = Record<string, unknown>;
type LayerArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The parts of tfjs-layers' Conv2D this subclass reads. */
interface ConvFields {
  rank: number;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'same' | 'valid' | 'causal';
  dataFormat: 'channelsLast' | 'channelsFirst';
  dilationRate: [number, number];
  activation: { getClassName(): string };
}

// tfjs does not export the class itself, only its factory.
const Base = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as new (args: LayerArgs) => tf.layers.Layer;

export class Conv2D extends Base {
  static readonly className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const f = this as unknown as ConvFields;
    const plain =
      kwargs['training'] === true && fastPathsEnabled() && tf.getBackend() === 'wasm' && f.rank === 2 &&
      f.dataFormat === 'channelsLast' && f.padding !== 'causal' && f.activation.getClassName() === 'linear' &&
      f.dilationRate.every((d) => d === 1);
    if (!plain) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const y = tf.conv2d(x, f.kernel.read() as tf.Tensor4D, f.strides, f.padding as 'same' | 'valid', 'NHWC');
      return f.bias === null ? y : tf.add(y, f.bias.read());
    });
  }
}

/** Registers the class under `Conv2D` (idempotent). */
export function registerConv2D(): void {
  // The static fromConfig is inherited from tfjs's class, which the Base type does not declare.
  tf.serialization.registerClass(Conv2D as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
}

registerConv2D();
