// Class indices from probabilities, downloaded for counting on the host (cheap next to a forward
// pass, and the same on every backend).
import { tf } from '../tf';

export async function predictedLabels(probs: tf.Tensor): Promise<Int32Array> {
  const labels = tf.argMax(probs, -1);
  try {
    return (await labels.data()) as Int32Array;
  } finally {
    labels.dispose();
  }
}
