// Which runtime runs a model's inference: onnxruntime-node on the model exported to ONNX
// (onnx/), or the fused tfjs graph (fused-graph.ts), which is also the fallback whenever the
// export or onnxruntime fails. FACET_INFER=tfjs|onnx forces one; by default onnxruntime runs
// where it measured faster than the fused graph, on the CPU backends (wasm, cpu): a GPU or
// native TensorFlow backend keeps its own graph.
import { tf } from '../tf';
import { fusedGraphOf } from './graph-cache';
import { onnxSessionOf } from './onnx/session-cache';
import { onnxRuntimeVersion, onnxThreads } from './onnx/session';

export type InferRuntime = 'tfjs' | 'onnx';
export type InferChoice = InferRuntime | 'auto';

export const INFER_ENV = 'FACET_INFER';

/**
 * Registry models whose fused tfjs graph measured at least as fast as onnxruntime (256 px,
 * batch 8, wasm with Facet's SIMD kernels, best of several runs): they stay on tfjs by default.
 */
const TFJS_AT_LEAST_AS_FAST: ReadonlySet<string> = new Set<string>([]);

/** The choice FACET_INFER asks for; throws naming the variable for anything else. */
export function inferChoice(env: NodeJS.ProcessEnv = process.env): InferChoice {
  const v = env[INFER_ENV]?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'tfjs' || v === 'onnx') return v;
  throw new Error(`${INFER_ENV}=${env[INFER_ENV]}: expected tfjs, onnx or auto`);
}

/** The runtime a model should run on before trying (a failed export still falls back to tfjs). */
export function preferredRuntime(model: tf.LayersModel, choice: InferChoice = inferChoice()): InferRuntime {
  if (choice !== 'auto') return choice;
  const cpuBackend = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  return cpuBackend && !TFJS_AT_LEAST_AS_FAST.has(model.name) ? 'onnx' : 'tfjs';
}

export interface ModelOutput {
  /** n * size * size * classes floats, NHWC. */
  data: Float32Array;
  classes: number;
  runtime: InferRuntime;
  /** Why onnxruntime was wanted but not used (the export or the runtime failed). */
  fallback: string | null;
}

const warned = new WeakSet<tf.LayersModel>();

async function runTfjs(model: tf.LayersModel, x: Float32Array, n: number, size: number): Promise<{ data: Float32Array; classes: number }> {
  const input = tf.tensor4d(x, [n, size, size, x.length / (n * size * size)]);
  let y: tf.Tensor;
  try {
    y = fusedGraphOf(model).predict(input);
  } finally {
    input.dispose();
  }
  try {
    return { data: (await y.data()) as Float32Array, classes: y.shape[3]! };
  } finally {
    y.dispose();
  }
}

/**
 * The model's probabilities for `n` square NHWC images already normalised (`x`), on the
 * preferred runtime. Forced onnx (FACET_INFER=onnx) fails with the reason where the model does
 * not export; otherwise a failed export falls back to tfjs, said once per model on stderr.
 */
export async function runModel(model: tf.LayersModel, x: Float32Array, n: number, size: number, choice: InferChoice = inferChoice()): Promise<ModelOutput> {
  let fallback: string | null = null;
  if (preferredRuntime(model, choice) === 'onnx') {
    const outcome = await onnxSessionOf(model);
    if (outcome.ok) {
      const data = await outcome.session.run(x, n);
      return { data, classes: outcome.session.outputShape[2]!, runtime: 'onnx', fallback: null };
    }
    if (choice === 'onnx') throw new Error(`${INFER_ENV}=onnx: ${outcome.reason}`);
    fallback = outcome.reason;
    if (!warned.has(model)) {
      warned.add(model);
      process.stderr.write(`inference of ${model.name} on the tfjs fused graph: ${outcome.reason}\n`);
    }
  }
  return { ...(await runTfjs(model, x, n, size)), runtime: 'tfjs', fallback };
}

export interface InferenceInfo {
  choice: InferChoice;
  /** The runtime models run on by default here (before any failed export). */
  runtime: InferRuntime;
  /** Loaded onnxruntime-node, or null with the reason. */
  onnxruntime: { version: string; threads: number } | null;
  onnxUnavailable: string | null;
  /** Registry models kept on tfjs by default because it measured at least as fast. */
  tfjsModels: string[];
}

/** What `facet info` says about inference: loads onnxruntime to see that it does. */
export async function inferenceInfo(): Promise<InferenceInfo> {
  const choice = inferChoice();
  let onnxruntime: InferenceInfo['onnxruntime'] = null;
  let onnxUnavailable: string | null = null;
  try {
    onnxruntime = { version: await onnxRuntimeVersion(), threads: onnxThreads() };
  } catch (error) {
    onnxUnavailable = error instanceof Error ? error.message : String(error);
  }
  const cpuBackend = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const runtime: InferRuntime = choice === 'auto' ? (cpuBackend && onnxruntime ? 'onnx' : 'tfjs') : choice;
  return { choice, runtime, onnxruntime, onnxUnavailable, tfjsModels: [...TFJS_AT_LEAST_AS_FAST] };
}
