// The compute engine as the GUI sees it: which backend runs (in the engine worker), its version,
// SIMD and threads, why faster backends are not in use, the WebGPU adapter found (if any), and
// the worker's tensor memory (GPU bytes on webgpu).
import { z } from 'zod';
import { method } from './define';

export type EngineLadderStep = 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm' | 'cpu';

export interface EngineGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software rasteriser (SwiftShader, llvmpipe/lavapipe, WARP…) or slower than wasm: never chosen unless forced. */
  software: boolean;
  /** Each sign that made it software, in words (empty for a hardware adapter). */
  softwareSigns: string[];
  /** The limits that bound the engine: largest buffer, largest storage binding, workgroup sizes. */
  limits: Record<string, number>;
  /** The quick convolution probe against wasm (null: not run). */
  probe: { webgpuGflops: number; wasmGflops: number } | null;
  /** Version of the `webgpu` package (Dawn). */
  dawnPackage: string;
}

export interface EngineInfoOutput {
  backend: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  step: EngineLadderStep;
  tfjsVersion: string;
  version: string;
  simd: boolean | null;
  threads: number;
  forced: boolean;
  skipped: { step: EngineLadderStep; reason: string }[];
  addedKernels: string[];
  adapter: EngineGpuAdapter | null;
  /** `numBytesInGPU`/`numBytesAllocatedInGPU`: on webgpu, bytes in live tensors / held by the buffer pool. */
  memory: { numTensors: number; numBytes: number; numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
}

export const engineMethods = {
  'engine.info': method<EngineInfoOutput>()(z.object({}).strict()),
};

export const engineEvents = {};
