// The one TensorFlow.js namespace every engine module uses. Native backends (tfjs-node, -gpu)
// register into this same core when the backend ladder loads them.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
