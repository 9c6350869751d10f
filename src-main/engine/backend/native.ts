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

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

export async function startNative(pkg: NativePackage): Promise<NativeResult> {
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
  return { ok: true, version, threads: os.availableParallelism() };
}
