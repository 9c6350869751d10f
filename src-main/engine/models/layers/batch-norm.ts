// tfjs-layers' BatchNormalization, training through the fused kernels where they run (wasm with
// the SIMD module; see kernels/batchnorm-train.ts). Registered under the same class name, so
// models built or loaded afterwards get it and save exactly as before; inference, other backends
// and layouts other than channels-last go to the original code.
import { fastPathsEnabled } from '../../kernels/switch';
import { batchNormTrain, canFuseBatchNormTrain } from '../../kernels/batchnorm-train';
import { tf } from '../../tf';

type Kwargs = Record<string, unknown>;
type LayerArgs = Parameters<typeof tf.layers.batchNormalization>[0];

/** The parts of tfjs-layers' BatchNormalization this subclass reads. */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

// tfjs does not export the class itself, only its factory.
const Base = tf.layers.batchNormalization({}).constructor as new (args: LayerArgs) => tf.layers.Layer;

/** tfjs-layers' moving-average update: v ← v − (v − value)·(1 − momentum). */
function updateMoving(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - momentum)));
  });
}

export class BatchNormalization extends Base {
  static readonly className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const f = this as unknown as BatchNormFields;
    const lastAxis = f.axis === -1 || f.axis === x.rank - 1;
    if (kwargs['training'] !== true || !fastPathsEnabled() || !lastAxis || !f.center || !f.scale || !canFuseBatchNormTrain(x)) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTrain(x, f.gamma.read() as tf.Tensor1D, f.beta.read() as tf.Tensor1D, f.epsilon);
      updateMoving(f.movingMean, mean, f.momentum);
      updateMoving(f.movingVariance, variance, f.momentum);
      tf.dispose([mean, variance]);
      return y;
    });
  }
}

/** Registers the class under `BatchNormalization` (idempotent). */
export function registerBatchNormalization(): void {
  // The static fromConfig is inherited from tfjs's class, which the Base type does not declare.
  tf.serialization.registerClass(BatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
}

registerBatchNormalization();
