// Running out of wasm heap must stop the work with an error that says so, never go on with
// tensors written over address 0 or XNNPACK outputs that were never computed.
import { beforeAll, describe, expect, it } from 'vitest';
import { assertEngineHealthy, EngineFailure, initEngine } from '../../../src-main/engine/backend/index';
import { tf } from '../../../src-main/engine/tf';

describe('wasm heap failures', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  it('a tensor that does not fit throws instead of landing at address 0', () => {
    const before = tf.memory().numTensors;
    // Two tensors of 2.4 GB each cannot share one 4 GB heap.
    const first = tf.zeros([600 * 2 ** 20]);
    expect(() => tf.zeros([600 * 2 ** 20])).toThrow(EngineFailure);
    expect(() => tf.zeros([600 * 2 ** 20])).toThrow(/out of memory: 2400 MB more did not fit in its \d+ MB heap/);
    first.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // The engine still works afterwards.
    const y = tf.tidy(() => tf.sum(tf.ones([64, 64])));
    expect(y.dataSync()[0]).toBe(4096);
    y.dispose();
  });

  it('an XNNPACK failure line turns into an error at the next check, once', () => {
    expect(() => assertEngineHealthy('step')).not.toThrow();
    // What the wasm module prints (through console.log) when an operator cannot be created.
    console.log('XNN status for xnn_create_convolution2d_nhwc_f32 is not successful. Got status 6. Use -c dbg to see XNN logs.');
    expect(() => assertEngineHealthy('training step')).toThrow(/training step: the wasm engine failed \(xnn_create_convolution2d_nhwc_f32 failed with XNNPACK status 6 \(out of memory\)\)/);
    expect(() => assertEngineHealthy('training step')).not.toThrow();
  });
});
