// The quick speed probe behind "a software adapter is never chosen by default": an adapter that
// names itself as hardware can still compute slower than the wasm backend (a software driver under
// another name, an iGPU shared with a busy display). One 3x3 convolution of the size found in the
// models' middle layers (64x64x64 → 64, 0.3 GFLOP) is timed on each backend after a warm-up
// (the first call compiles the shader / packs the weights); the median of three calls counts.
import { tf } from '../tf';

const SHAPE: [number, number, number, number] = [1, 64, 64, 64];
const FLOPS = 2 * 64 * 64 * 64 * 64 * 9;

/** GFLOP/s of the probe convolution on the active backend. */
export async function probeGflops(): Promise<number> {
  const x = tf.randomUniform(SHAPE, -1, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, 64, 64], -1, 1, 'float32', 2) as tf.Tensor4D;
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    // A scalar readback: waits for the GPU without timing a large download.
    const s = tf.tidy(() => tf.sum(tf.conv2d(x, w, 1, 'same')));
    await s.data();
    s.dispose();
    return performance.now() - t0;
  };
  try {
    await once();
    const ms = [await once(), await once(), await once()].sort((a, b) => a - b)[1]!;
    return FLOPS / (ms / 1000) / 1e9;
  } finally {
    tf.dispose([x, w]);
  }
}
