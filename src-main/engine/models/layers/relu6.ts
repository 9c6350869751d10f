// The `relu6` activation as one op. tfjs-layers looks activations up by class name in the
// serialization map, and its own Relu6 computes minimum(6, relu(x)): two passes forward and five
// backward on wasm (see kernels/wasm/Relu6Grad.ts). Registering a class under the same name
// `relu6` makes every Activation (and conv `activation: 'relu6'`) built or loaded afterwards
// use tf.relu6, whose gradient is one kernel; saved models still say `relu6`, so the format and
// the values (clip to [0, 6]) are unchanged.
import { fastPathsEnabled } from '../../kernels/switch';
import { tf } from '../../tf';

export class Relu6 extends tf.serialization.Serializable {
  static readonly className = 'relu6';

  apply(x: tf.Tensor): tf.Tensor {
    // With the fast paths off: tfjs-layers' own formulation (for before/after comparisons).
    return fastPathsEnabled() ? tf.relu6(x) : tf.tidy(() => tf.minimum(6, tf.relu(x)));
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** Registers the class (idempotent: the map keeps the last class per name). */
export function registerRelu6Activation(): void {
  tf.serialization.registerClass(Relu6);
}

registerRelu6Activation();
