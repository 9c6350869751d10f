// The compute engine as the GUI sees it: which backend runs (in the engine worker), its version,
// SIMD and threads, why faster backends are not in use, and the worker's tensor memory.
import { z } from 'zod';
import { method } from './define';

export type EngineLadderStep = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export interface EngineInfoOutput {
  backend: 'tensorflow' | 'wasm' | 'cpu';
  step: EngineLadderStep;
  tfjsVersion: string;
  version: string;
  simd: boolean | null;
  threads: number;
  forced: boolean;
  skipped: { step: EngineLadderStep; reason: string }[];
  addedKernels: string[];
  memory: { numTensors: number; numBytes: number };
}

export const engineMethods = {
  'engine.info': method<EngineInfoOutput>()(z.object({}).strict()),
};

export const engineEvents = {};
