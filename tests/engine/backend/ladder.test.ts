// The backend ladder on this machine: the native rungs are optional and absent here, so the
// engine starts on wasm — threaded (XNNPACK pool of 2, loaded from files instead of blob: URLs)
// — says why tfjs-node(-gpu) are not in use, and computes what the cpu backend computes.
import { describe, expect, it } from 'vitest';
import { initEngine, ladder, parseBackendChoice } from '../../../src-main/engine/backend/index';
import { explainLoadError } from '../../../src-main/engine/backend/native';
import { tf } from '../../../src-main/engine/tf';

describe('backend ladder', () => {
  it('starts threaded wasm and reports the faster rungs it skipped', async () => {
    const info = await initEngine({ threads: 2 });
    expect(info.backend).toBe('wasm');
    expect(info.step).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(2);
    expect(info.forced).toBe(false);
    expect(info.version).toBe(tf.version_core);
    expect(info.skipped.map((s) => s.step)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node']);
    // webgpu: no adapter here, or only a software one (SwiftShader), which is never the default.
    for (const s of info.skipped) expect(s.reason).toMatch(/not installed|failed|CUDA|binding|no WebGPU adapter|software adapter/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('computes on the threaded pool what the cpu backend computes', async () => {
    await initEngine({ threads: 2 });
    const x = tf.randomNormal([2, 12, 12, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
    const onWasm = await tf.conv2d(x, w, 1, 'same').data();
    await tf.setBackend('cpu');
    const onCpu = await tf.conv2d(x, w, 1, 'same').data();
    await tf.setBackend('wasm');
    let diff = 0;
    for (let i = 0; i < onCpu.length; i++) diff = Math.max(diff, Math.abs(onCpu[i]! - onWasm[i]!));
    expect(diff).toBeLessThan(1e-3);
    tf.dispose([x, w]);
  });

  it('returns the same engine to later callers', async () => {
    const a = await initEngine({ threads: 2 });
    const b = await initEngine();
    expect(b).toBe(a);
  });

  it('parses backend choices and names the valid ones on error', () => {
    expect(parseBackendChoice('wasm')).toBe('wasm');
    expect(parseBackendChoice('tensorflow')).toBe('tensorflow');
    expect(parseBackendChoice('webgpu')).toBe('webgpu');
    expect(() => parseBackendChoice('webgl')).toThrow(/unknown backend "webgl".*tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu, tensorflow/);
    expect(ladder).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
  });
});

describe('why a native backend did not load', () => {
  it('says "not installed" for a missing optional package', () => {
    const e = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node' imported from x.ts"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(explainLoadError('@tensorflow/tfjs-node', e)).toMatch(/^not installed/);
  });
  it('names missing CUDA/cuDNN libraries', () => {
    const e = new Error('libcudnn.so.8: cannot open shared object file: No such file or directory');
    expect(explainLoadError('@tensorflow/tfjs-node-gpu', e)).toMatch(/^CUDA\/cuDNN libraries not found \(libcudnn\.so\.8\)/);
  });
  it('reports a broken native binding', () => {
    const e = new Error('The specified module could not be found. tfjs_binding.node');
    expect(explainLoadError('@tensorflow/tfjs-node', e)).toMatch(/native binding did not load/);
  });
  it('does not call a missing dependency of the package "not installed"', () => {
    const e = Object.assign(new Error("Cannot find module 'node-pre-gyp'"), { code: 'MODULE_NOT_FOUND' });
    expect(explainLoadError('@tensorflow/tfjs-node', e)).toMatch(/^failed to load/);
  });
});
