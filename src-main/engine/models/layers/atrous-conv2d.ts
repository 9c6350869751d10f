// A dilated ("atrous") 3x3 convolution that can be trained in TensorFlow.js. tfjs-core's Conv2D
// gradient refuses dilation > 1, so this layer computes the same result the way
// tf.nn.atrous_conv2d does: pad, space-to-batch by the rate, a plain `valid` convolution, then
// batch-to-space. Both reshuffles have gradients (and wasm kernels); the FLOPs are those of the
// dilated conv. On wasm with Facet's SIMD kernels it is one dilated conv per pass instead
// (kernels/atrous-conv.ts): the reshuffles cost more than the convs there. Output geometry is that of a `same`-padded, stride-1 dilated conv.
import { atrousConv2d, canAtrousConv } from '../../kernels/atrous-conv';
import { fastPathsEnabled } from '../../kernels/switch';
import { tf } from '../../tf';

export interface AtrousConv2DArgs {
  filters: number;
  kernelSize: number;
  rate: number;
  useBias?: boolean;
  name?: string;
}

type Shape = (number | null)[];

export class AtrousConv2D extends tf.layers.Layer {
  static readonly className = 'FacetAtrousConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly rate: number;
  readonly useBias: boolean;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: AtrousConv2DArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (args.kernelSize % 2 !== 1) throw new Error(`AtrousConv2D: kernelSize must be odd, got ${args.kernelSize}`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.rate = args.rate;
    this.useBias = args.useBias ?? false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[3];
    if (channels == null) throw new Error('AtrousConv2D: the channel dimension must be known');
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, channels, this.filters], 'float32', tf.initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, shape[1] ?? null, shape[2] ?? null, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const kernel = this.kernel!.read() as tf.Tensor4D;
      const r = this.rate;
      let y: tf.Tensor4D;
      if (r === 1) {
        y = tf.conv2d(x, kernel, 1, 'same');
      } else if (fastPathsEnabled() && canAtrousConv(x, this.kernelSize)) {
        // One dilated conv per pass, no reshuffles (kernels/atrous-conv.ts).
        y = atrousConv2d(x, kernel, r);
      } else {
        const [, h, w] = x.shape;
        const half = ((this.kernelSize - 1) / 2) * r;
        // Extra rows/cols at the end so that the padded side divides by the rate.
        const eh = (r - ((h + 2 * half) % r)) % r;
        const ew = (r - ((w + 2 * half) % r)) % r;
        const s2b = tf.spaceToBatchND(x, [r, r], [
          [half, half + eh],
          [half, half + ew],
        ]) as tf.Tensor4D;
        const conv = tf.conv2d(s2b, kernel, 1, 'valid');
        y = tf.batchToSpaceND(conv, [r, r], [
          [0, eh],
          [0, ew],
        ]) as tf.Tensor4D;
      }
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, rate: this.rate, useBias: this.useBias };
  }
}

tf.serialization.registerClass(AtrousConv2D);
