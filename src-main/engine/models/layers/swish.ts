// The `swish` activation as one op each way (kernels/wasm/Swish.ts), registered under the class
// name tfjs-layers gives its own Swish, so every Activation (and conv `activation: 'swish'`) built
// or loaded afterwards uses it; saved models still say `swish`, and the function is the same
// (x·σ(αx), α = 1 as layers call it; EfficientNet's).
import { swish } from '../../kernels/wasm/Swish';
import { fastPathsEnabled } from '../../kernels/switch';
import { tf } from '../../tf';

export class Swish extends tf.serialization.Serializable {
  static readonly className = 'swish';

  apply(x: tf.Tensor, alpha = 1): tf.Tensor {
    // With the fast paths off, or another α: tfjs-layers' own formulation (for before/after comparisons).
    if (fastPathsEnabled() && alpha === 1) return swish(x);
    return tf.tidy(() => tf.mul(tf.sigmoid(tf.mul(x, alpha)), x));
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** Registers the class (idempotent: the map keeps the last class per name). */
export function registerSwishActivation(): void {
  tf.serialization.registerClass(Swish);
}

registerSwishActivation();
