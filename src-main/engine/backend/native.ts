// The native rungs of the ladder: @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node, both
// optional dependencies. Loading one registers the `tensorflow` backend into our tfjs core; a
// missing package or missing CUDA libraries is a reason to report, never an error.
import os from 'node:os';
import { tf } from '../tf';

export type NativePackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

export type NativeResult = { ok: true; version: string; threads: number } | { ok: false; reason: string };

/** Explains a failed import in the terms a user can act on. */
export function explainLoadError(pkg: NativePackage, error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(pkg)) {
    return `not installed (optional dependency; \`npm install ${pkg}\` to use it)`;
  }
  const lib = /lib(cud\w*|cublas\w*|cufft\w*|curand\w*|cusolver\w*|cusparse\w*|nvinfer\w*)[^:\s]*/i.exec(message);
  if (lib) return `CUDA/cuDNN libraries not found (${lib[0]}): ${firstLine(message)}`;
  if (/tfjs_binding|napi|\.node\b|libtensorflow/i.test(message)) {
    return `installed but its native binding did not load: ${firstLine(message)}`;
  }
  return `failed to load: ${firstLine(message)}`;
}

/**
 * tfjs-node-gpu loads and runs even when TensorFlow finds no usable GPU (CUDA 12 instead of 11.2,
 * no cuDNN 8.1: it only logs the missing libraries) and then computes on the CPU. Its backend
 * says which: `isUsingGpuDevice`, from the binding's device list. Null: fine to use.
 */
export function gpuFallbackReason(backend: unknown): string | null {
  const b = backend as { isUsingGpuDevice?: unknown; isGPUPackage?: unknown } | null;
  if (b?.isUsingGpuDevice === true) return null;
  const what = b?.isUsingGpuDevice === false ? 'TensorFlow found no GPU device' : 'the backend does not say whether it runs on a GPU';
  return (
    `loaded, but ${what}, so it would silently run on the CPU (tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1: ` +
    'libcudart.so.11.0, libcudnn.so.8 on the library path)'
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/** The package whose `tensorflow` backend is registered in this process (only one can be). */
let loaded: { pkg: NativePackage; version: string } | null = null;

export async function startNative(pkg: NativePackage): Promise<NativeResult> {
  if (loaded && loaded.pkg !== pkg) {
    // tfjs-node-gpu fell back to the CPU: its `tensorflow` backend is what tfjs-node would give.
    if (pkg === '@tensorflow/tfjs-node' && (await tf.setBackend('tensorflow'))) {
      return { ok: true, version: `${loaded.version} (the CPU build inside ${loaded.pkg})`, threads: os.availableParallelism() };
    }
    return { ok: false, reason: `not loaded: ${loaded.pkg} already registered the \`tensorflow\` backend in this process` };
  }
  let mod: { version?: { [k: string]: string } } | undefined;
  try {
    // A computed specifier: bundlers must not try to resolve an optional native package.
    const specifier: string = pkg;
    mod = (await import(specifier)) as { version?: { [k: string]: string } };
  } catch (error) {
    return { ok: false, reason: explainLoadError(pkg, error) };
  }
  if (tf.findBackend('tensorflow') === null && tf.findBackendFactory('tensorflow') === null) {
    return { ok: false, reason: 'loaded but registered no `tensorflow` backend in this TensorFlow.js core (version mismatch?)' };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: 'the `tensorflow` backend failed to initialise' };
  } catch (error) {
    return { ok: false, reason: explainLoadError(pkg, error) };
  }
  const version = mod.version?.['tfjs-node'] ?? mod.version?.['tfjs-core'] ?? 'unknown';
  loaded = { pkg, version };
  if (pkg === '@tensorflow/tfjs-node-gpu') {
    const fallback = gpuFallbackReason(tf.backend());
    if (fallback) return { ok: false, reason: fallback };
  }
  return { ok: true, version, threads: os.availableParallelism() };
}
