// Starts the engine on the fastest backend that works: tfjs-node-gpu (on a GPU device) → webgpu
// (on a hardware adapter) → tfjs-node → wasm → cpu. The native and Dawn rungs are optional
// dependencies; each rung that is skipped says why, and `facet info` prints it. `options.backend`
// (CLI `--backend`, env FACET_BACKEND) forces a rung: a forced webgpu takes a software adapter too.
import { createRequire } from 'node:module';
import os from 'node:os';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../kernels/wasm/register';
import { installReleaseAsYouGo } from '../tape/release-as-you-go';
import { tf } from '../tf';
import { webGpuKernelNames } from '../kernels/webgpu/register';
import { unwatchGpuDevice } from './gpu-health';
import { startNative } from './native';
import { probeGflops } from './probe';
import { ladder, type BackendName, type EngineInfo, type EngineOptions, type GpuAdapterReport, type LadderStep, type SkippedBackend } from './types';
import { startWasm } from './wasm-threads';
import { startWebGpu } from './webgpu';
import { guardWasmHeap, installXnnWatch } from './wasm-failures';

export type { BackendName, EngineInfo, EngineOptions, GpuAdapterReport, LadderStep, SkippedBackend } from './types';
export { ladder } from './types';
export { assertEngineHealthy, EngineFailure } from './wasm-failures';

const stepBackend: Record<LadderStep, BackendName> = {
  'tfjs-node-gpu': 'tensorflow',
  webgpu: 'webgpu',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** Parses a `--backend` value or setting; throws naming the accepted values. */
export function parseBackendChoice(value: string): LadderStep | BackendName {
  const ok = [...ladder, 'tensorflow'];
  if (!ok.includes(value)) throw new Error(`unknown backend "${value}" (expected one of ${ok.join(', ')})`);
  return value as LadderStep | BackendName;
}

export function defaultThreads(): number {
  const fromEnv = Number(process.env['FACET_THREADS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

function rungsFor(choice: LadderStep | BackendName | undefined): LadderStep[] {
  if (choice === undefined) return [...ladder];
  if (choice === 'tensorflow') return ['tfjs-node-gpu', 'tfjs-node'];
  return [choice];
}

type Attempt = { ok: true; version: string; threads: number; simd: boolean | null } | { ok: false; reason: string };

/**
 * The webgpu rung. Unforced, a hardware adapter must also beat wasm on the probe (probe.ts); the
 * wasm backend started for that comparison is the one a later rung would use anyway.
 */
async function tryWebGpu(forced: boolean, threads: number, found: (a: GpuAdapterReport) => void): Promise<Attempt> {
  const r = await startWebGpu(forced);
  if (r.adapter) found(r.adapter);
  if (!r.ok) return r;
  const attempt: Attempt = { ok: true, version: r.version, threads: 1, simd: null };
  if (forced || process.env['FACET_WEBGPU_PROBE'] === '0') return attempt;
  const webgpuGflops = await probeGflops();
  let wasmGflops = 0;
  try {
    await startWasm(threads);
    wasmGflops = await probeGflops();
  } finally {
    await tf.setBackend('webgpu');
  }
  r.adapter.probe = { webgpuGflops, wasmGflops };
  if (webgpuGflops >= wasmGflops) return attempt;
  // The engine will not run on this device: its later events must not fail wasm work.
  unwatchGpuDevice();
  r.adapter.software = true;
  r.adapter.softwareSigns.push(`slower than wasm on the probe (${webgpuGflops.toFixed(1)} vs ${wasmGflops.toFixed(1)} GFLOP/s)`);
  return { ok: false, reason: `adapter slower than wasm on a 3x3 conv probe (${webgpuGflops.toFixed(1)} vs ${wasmGflops.toFixed(1)} GFLOP/s); force with --backend webgpu` };
}

async function tryStep(step: LadderStep, threads: number, forced: boolean, found: (a: GpuAdapterReport) => void): Promise<Attempt> {
  switch (step) {
    case 'webgpu':
      return tryWebGpu(forced, threads, found);
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      const r = await startNative(step === 'tfjs-node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu');
      return r.ok ? { ...r, simd: null } : r;
    }
    case 'wasm':
      try {
        const w = await startWasm(threads);
        return { ok: true, version: version_wasm, threads: w.threads, simd: w.simd };
      } catch (error) {
        return { ok: false, reason: `failed to start: ${error instanceof Error ? error.message : String(error)}` };
      }
    case 'cpu':
      return (await tf.setBackend('cpu'))
        ? { ok: true, version: tf.version_core, threads: 1, simd: null }
        : { ok: false, reason: 'failed to start' };
  }
}

const nativePackage: Partial<Record<LadderStep, string>> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: 'webgpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

/** Whether an optional package is installed, without loading it. */
function isInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

let started: Promise<EngineInfo> | null = null;

/** Starts the engine once per process; later calls return the same result whatever their options. */
export function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  started ??= start(options).catch((error: unknown) => {
    started = null;
    throw error;
  });
  return started;
}

async function start(options: EngineOptions): Promise<EngineInfo> {
  const envChoice = process.env['FACET_BACKEND'];
  const choice = options.backend ?? (envChoice ? parseBackendChoice(envChoice) : undefined);
  const addedKernels = registerWasmTrainingKernels();
  installReleaseAsYouGo();
  installXnnWatch();
  const threads = options.threads ?? defaultThreads();
  const skipped: SkippedBackend[] = [];
  // A forced rung still reports why the faster rungs above it are not in use.
  const forcedIndex = choice === undefined ? -1 : ladder.indexOf(rungsFor(choice)[0]!);
  let adapter: GpuAdapterReport | null = null;
  for (const step of ladder.slice(0, Math.max(0, forcedIndex))) {
    const pkg = nativePackage[step];
    const status = pkg === undefined ? '' : isInstalled(pkg) ? ' (installed)' : ' (not installed)';
    skipped.push({ step, reason: `not tried: backend ${choice} was chosen${status}` });
  }
  for (const step of rungsFor(choice)) {
    const r = await tryStep(step, threads, choice !== undefined, (a) => (adapter = a));
    if (r.ok) {
      await tf.setBackend(stepBackend[step]);
      await tf.ready();
      if (step === 'wasm') guardWasmHeap(tf.backend());
      return {
        backend: stepBackend[step],
        step,
        tfjsVersion: tf.version.tfjs,
        version: r.version,
        simd: r.simd,
        threads: r.threads,
        forced: choice !== undefined,
        skipped,
        addedKernels: step === 'wasm' ? addedKernels : step === 'webgpu' ? webGpuKernelNames() : [],
        adapter,
      };
    }
    skipped.push({ step, reason: r.reason });
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.step}: ${s.reason}`).join('; ')}`);
}
