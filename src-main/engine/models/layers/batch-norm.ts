// tfjs-layers' BatchNormalization, training through the fused kernels where they run (wasm with
// the SIMD module; see kernels/batchnorm-train.ts). Registered under the same class name, so
// models built or loaded afterwards get it and save exactly as before; inference, other backends
// and layouts other than channels-last go to the original code. When its output feeds nothing but
// a relu / relu6 / swish Activation layer, training applies that activation here too (./activation.ts).
import { fastPathsEnabled } from '../../kernels/switch';
import { batchNormTrain, canFuseBatchNormTrain, type BnActivation } from '../../kernels/batchnorm-train';
import { tf } from '../../tf';
import { Activation, markActivated } from './activation';

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

  /**
   * The activation this layer can apply for the layer after it: only when this layer is used once
   * and its one consumer is an Activation used once (else another consumer would see act(y)).
   * Read from the graph at each call, as layers may be wired after the first one.
   */
  activationToFuse(): BnActivation {
    if (this.inboundNodes.length !== 1 || this.outboundNodes.length !== 1) return 'linear';
    const next = this.outboundNodes[0]!.outboundLayer;
    return next instanceof Activation ? (next.fusibleActivation() ?? 'linear') : 'linear';
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const f = this as unknown as BatchNormFields;
    const lastAxis = f.axis === -1 || f.axis === x.rank - 1;
    if (kwargs['training'] !== true || !fastPathsEnabled() || !lastAxis || !f.center || !f.scale || !canFuseBatchNormTrain(x)) {
      return super.call(inputs, kwargs);
    }
    const activation = this.activationToFuse();
    const y = tf.tidy(() => {
      const r = batchNormTrain(x, f.gamma.read() as tf.Tensor1D, f.beta.read() as tf.Tensor1D, f.epsilon, activation);
      updateMoving(f.movingMean, r.mean, f.momentum);
      updateMoving(f.movingVariance, r.variance, f.momentum);
      tf.dispose([r.mean, r.variance]);
      return r.y;
    });
    if (activation !== 'linear') markActivated(y);
    return y;
  }
}

/** Registers the class under `BatchNormalization` (idempotent). */
export function registerBatchNormalization(): void {
  // The static fromConfig is inherited from tfjs's class, which the Base type does not declare.
  tf.serialization.registerClass(BatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
}

registerBatchNormalization();
