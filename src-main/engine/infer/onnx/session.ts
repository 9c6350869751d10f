// An onnxruntime-node inference session over a model exported to ONNX (export.ts): NHWC floats
// in, NHWC probabilities out, as the fused tfjs graph gives them. onnxruntime is loaded on first
// use (a native addon: a platform without its binary, or a broken install, is a reason to stay
// on tfjs, not a crash), runs on the CPU with one intra-op thread per core and every graph
// optimisation (conv + activation fusion, NCHWc blocking).
import os from 'node:os';
import type * as Ort from 'onnxruntime-node';
import type { tf } from '../../tf';
import { activationBytes } from '../../models/activation-bytes';
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT } from './export';

type OrtModule = typeof Ort;

export interface OnnxSession {
  /** Probabilities for `n` NHWC images in `x` (n * size * size * 3 floats), NHWC. */
  run(x: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly threads: number;
  /** Export + session creation (ms). */
  readonly loadMs: number;
  readonly ops: Readonly<Record<string, number>>;
}

let ortModule: Promise<OrtModule> | null = null;

/** onnxruntime-node, loaded once; rejects with why it cannot load. */
export function loadOnnxRuntime(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => {
      // CommonJS: the namespace or its default export, depending on the loader.
      const ort = ('InferenceSession' in m ? m : (m as { default: OrtModule }).default) as OrtModule;
      if (!ort.listSupportedBackends().some((b) => b.name === 'cpu')) throw new Error('onnxruntime-node has no cpu backend here');
      return ort;
    },
    (error: unknown) => {
      throw new Error(`onnxruntime-node does not load: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  return ortModule;
}

/** The onnxruntime-node version, once loaded. */
export async function onnxRuntimeVersion(): Promise<string> {
  const ort = await loadOnnxRuntime();
  return ort.env.versions.node ?? ort.env.versions.common;
}

/**
 * Layer outputs per image above which the session runs without onnxruntime's memory-pattern
 * planning (each run's blocks laid out in advance and kept, on top of the arena's own):
 * PSPNet-ResNet50 (258 MB of layer outputs per image at 256 px) held 3.3 GB at batch 8 with it,
 * 1.9 GB without, at the same speed (`facet bench`: 21.0 img/s without, 16.8-21.6 with). Turning
 * the arena off instead held 0.55 GB but ran 1.6-2x slower; small models (the bundled one: 76 MB
 * per image) keep both.
 */
export const MEM_PATTERN_MAX_ACTIVATION_BYTES = 192 * 2 ** 20;

/** Whether a session for `model` plans its memory pattern (see MEM_PATTERN_MAX_ACTIVATION_BYTES). */
export function plansMemPattern(model: tf.LayersModel): boolean {
  return activationBytes(model) <= MEM_PATTERN_MAX_ACTIVATION_BYTES;
}

export function onnxThreads(): number {
  return os.availableParallelism();
}

/** Exports `model` (its current weights) and opens a session on it. */
export async function createOnnxSession(model: tf.LayersModel): Promise<OnnxSession> {
  const started = performance.now();
  // Before any await: the weights exported are those the caller stamped.
  const exported = exportOnnx(model);
  const ort = await loadOnnxRuntime();
  const threads = onnxThreads();
  const session = await ort.InferenceSession.create(exported.bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableMemPattern: plansMemPattern(model),
  });
  const [h, w, c] = exported.inputShape as [number, number, number];
  const per = h * w * c;
  let released = false;
  return {
    async run(x, n) {
      if (released) throw new Error('onnx session: used after release');
      if (!Number.isInteger(n) || n <= 0 || x.length !== n * per) {
        throw new RangeError(`onnx session: ${x.length} floats are not ${n} images of ${h}x${w}x${c}`);
      }
      const input = new ort.Tensor('float32', x, [n, h, w, c]);
      const out = await session.run({ [ONNX_INPUT]: input });
      const y = out[ONNX_OUTPUT];
      if (!y || !(y.data instanceof Float32Array)) throw new Error('onnx session: the model gave no float output');
      return y.data;
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
    inputShape: exported.inputShape,
    outputShape: exported.outputShape,
    threads,
    loadMs: performance.now() - started,
    ops: exported.ops,
  };
}
