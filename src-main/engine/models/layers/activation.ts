// tfjs-layers' Activation layer, able to hand its work to the BatchNormalization before it: in
// training on the fused kernels, that layer applies relu / relu6 / swish itself (one pass less
// each way, and its pre-activation output is never kept for backprop; see c/batchnorm.c), marks
// the tensor it returns, and this layer passes a marked tensor on unchanged. Registered under the
// same class name, so models built or loaded afterwards get it and save exactly as before.
import { tf } from '../../tf';
import type { BnActivation } from '../../kernels/batchnorm-train';

type Kwargs = Record<string, unknown>;
type LayerArgs = Parameters<typeof tf.layers.activation>[0];

// tfjs does not export the class itself, only its factory.
const Base = tf.layers.activation({ activation: 'linear' }).constructor as new (args: LayerArgs) => tf.layers.Layer;

/** Outputs of a BatchNormalization that already went through the activation after it. */
const activated = new WeakSet<tf.Tensor>();

export function markActivated(t: tf.Tensor): void {
  activated.add(t);
}

const FUSIBLE: ReadonlySet<string> = new Set<BnActivation>(['relu', 'relu6', 'swish']);

export class Activation extends Base {
  static readonly className = 'Activation';

  /** The activation's registered name (`relu6`, `swish`, ...). */
  activationName(): string {
    return (this as unknown as { activation: tf.serialization.Serializable }).activation.getClassName();
  }

  /** What a BatchNormalization feeding only this layer may apply in its place, else null. */
  fusibleActivation(): BnActivation | null {
    const name = this.activationName();
    return this.inboundNodes.length === 1 && FUSIBLE.has(name) ? (name as BnActivation) : null;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    // A new tensor on the same buffer (clone runs Identity, which shares it on wasm): layers must not return their input.
    if (activated.has(x)) return tf.clone(x);
    return super.call(inputs, kwargs);
  }
}

/** Registers the class under `Activation` (idempotent). */
export function registerActivation(): void {
  // The static fromConfig is inherited from tfjs's class, which the Base type does not declare.
  tf.serialization.registerClass(Activation as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
}

registerActivation();
