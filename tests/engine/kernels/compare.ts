// Runs one kernel on the wasm backend and on the cpu backend with the same inputs and reports
// the largest difference, plus whether the wasm run left tensors or backend buffers behind.
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { tf } from '../../../src-main/engine/tf';

export interface Comparison {
  maxDiff: number;
  scale: number;
  leakedTensors: number;
  leakedBuffers: number;
  shape: number[];
}

/** Deterministic pseudo-random values (tests must not depend on luck). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Largest absolute difference relative to the largest magnitude of `b` (the reference). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / Math.max(s, 1e-6);
}

export function randomTensor(shape: number[], rand: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rand() * 2 - 1), shape);
}

/**
 * Runs `kernel` on wasm and compares with `expected` if given, else with the cpu backend's
 * result for the same inputs.
 */
export async function compareKernel(
  kernel: string,
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap,
  expected?: Float32Array,
): Promise<Comparison> {
  await tf.setBackend('wasm');
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const wasmOut = tf.engine().runKernel(kernel, inputs, attrs) as Tensor;
  const wasmValues = await wasmOut.data();
  const shape = wasmOut.shape;
  wasmOut.dispose();
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const leakedBuffers = tf.engine().backend.numDataIds() - buffersBefore;
  const cpuValues = expected ?? (await cpuResult(kernel, inputs, attrs, shape));
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < cpuValues.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(cpuValues[i]! - wasmValues[i]!));
    scale = Math.max(scale, Math.abs(cpuValues[i]!));
  }
  return { maxDiff, scale, leakedTensors, leakedBuffers, shape };
}

export async function cpuResult(kernel: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap, shape?: number[]): Promise<Float32Array> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const out = tf.engine().runKernel(kernel, inputs, attrs) as Tensor;
  const values = (await out.data()) as Float32Array;
  if (shape && out.shape.join() !== shape.join()) throw new Error(`shape ${shape} on wasm vs ${out.shape} on cpu`);
  out.dispose();
  await tf.setBackend(previous);
  return values;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** `model` saved to memory and loaded back (layers format), as a model folder would round-trip it. */
export async function reloaded(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}
