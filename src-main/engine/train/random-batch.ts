// A seeded random batch (pixels in [0, 1), labels in [0, classes)) for probes and benchmarks.
// tfjs's seeded generator is plain JS (~0.5 s for 4×256²×3 values): callers that reuse a batch
// make it once.
import { tf } from '../tf';

export interface RandomBatch {
  x: Float32Array;
  y: Int32Array;
}

export function randomBatch(count: number, size: number, classes: number, seed: number): RandomBatch {
  return tf.tidy(() => ({
    x: tf.randomUniform([count, size, size, 3], 0, 1, 'float32', seed).dataSync() as Float32Array,
    y: tf.randomUniform([count, size, size], 0, classes, 'int32', seed + 1).dataSync() as Int32Array,
  }));
}
