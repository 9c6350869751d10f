// What the engine reports about the backend it started on, and what callers may ask for.
import type { EngineGpuAdapter, EngineInfoOutput, EngineLadderStep } from '../../contract/engine';

/** TensorFlow.js backend names (`tensorflow` is what tfjs-node and tfjs-node-gpu register). */
export type BackendName = EngineInfoOutput['backend'];

/** The rungs of the backend ladder, fastest first (the contract says what the GUI sees of them). */
export type LadderStep = EngineLadderStep;
export const ladder: readonly LadderStep[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

/** What the engine found out about a WebGPU adapter (Dawn, through the optional `webgpu` package). */
export type GpuAdapterReport = EngineGpuAdapter;

export interface EngineOptions {
  /** Force one rung (or a backend name: `tensorflow` means tfjs-node-gpu, else tfjs-node). */
  backend?: LadderStep | BackendName;
  /** XNNPACK threads for wasm; default: the machine's cores (at most 4). 1 = single-threaded build. */
  threads?: number;
}

/** Why a rung faster than the one in use is not in use. */
export interface SkippedBackend {
  step: LadderStep;
  reason: string;
}

export interface EngineInfo {
  backend: BackendName;
  /** The rung in use. */
  step: LadderStep;
  tfjsVersion: string;
  /** Version of the package providing the backend (tfjs-node(-gpu), tfjs-backend-wasm or tfjs-core). */
  version: string;
  /** Whether the wasm SIMD build runs (null: not a wasm backend). */
  simd: boolean | null;
  /** Compute threads the backend uses (wasm: XNNPACK pool size; native: TF's own pool, reported as cores). */
  threads: number;
  /** True when a `--backend` flag or setting chose the backend. */
  forced: boolean;
  /** For each rung above the one in use: why it is not in use. */
  skipped: SkippedBackend[];
  /** Kernels Facet registered because the backend lacked them (wasm training kernels). */
  addedKernels: string[];
  /** The WebGPU adapter found (in use or not; see `skipped`), null when none was found or tried. */
  adapter: GpuAdapterReport | null;
}
