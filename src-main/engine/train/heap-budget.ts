// How many images one training micro-batch may hold on this engine. Only the wasm backend has a
// hard cap (wasm32: a 4 GB heap, and running out corrupts or aborts — see wasm-failures.ts), so
// there one training step at micro-batch 1 is measured: the heap grows by what one image needs
// (activations kept for the backward pass, gradients, kernel workspaces; measured here 92 MB
// for DeepLabV3+ MobileNetV1 to 0.4 GB for PSPNet-ResNet50 at 256 px, with the tape released as
// backprop goes; 0.55 and 1.3 GB before). The micro-batch is what
// fits in HEAP_BUDGET with the heap already in use. On webgpu the same probe measures the device
// memory one image takes (the buffer pool's growth), against FACET_GPU_MEMORY_MB (WebGPU does not
// report how much memory the device has; default GPU_BUDGET_MB), and no single tensor may exceed
// the adapter's largest storage binding. Other backends take the whole batch.
import type { SegLoss } from '../losses/index';
import { gpuMemory, releaseGpuPool } from '../backend/gpu-memory';
import { tf } from '../tf';
import { activationBytes } from '../models/activation-bytes';
import { batchGradients } from './gradients';
import { randomBatch } from './random-batch';

const MB = 2 ** 20;
/** Room for the heap of one engine: 4 GB less a margin for fragmentation and the model. */
export const HEAP_BUDGET = 3584 * MB;

interface WasmHeap {
  wasm?: { HEAPU8: Uint8Array };
}

/** Bytes of the wasm heap now (it only grows), or null on other backends. */
export function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  return (tf.backend() as unknown as WasmHeap).wasm?.HEAPU8.length ?? null;
}

/** Device memory assumed for training on webgpu when FACET_GPU_MEMORY_MB is not set. */
export const GPU_BUDGET_MB = 8192;

export function gpuBudgetBytes(): number {
  const fromEnv = Number(process.env['FACET_GPU_MEMORY_MB']);
  return (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : GPU_BUDGET_MB) * MB;
}

/** Bytes of the largest layer output for one image (float32): a tensor of n images must fit one binding. */
export function largestActivationBytes(model: tf.LayersModel): number {
  let largest = 0;
  for (const layer of model.layers) {
    const shape = layer.outputShape as Array<number | null> | Array<Array<number | null>>;
    const shapes = Array.isArray(shape[0]) ? (shape as Array<Array<number | null>>) : [shape as Array<number | null>];
    for (const s of shapes) largest = Math.max(largest, s.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1) * 4);
  }
  return largest;
}

export interface MicroBatchChoice {
  microBatch: number;
  /** Heap one image needed in the probe (null: not measured, backend without a cap). */
  bytesPerImage: number | null;
}

/**
 * Runs one training step on one random image (restoring every weight it touches: BatchNorm's
 * moving statistics change in a training forward pass) and picks the micro-batch from its heap
 * growth, at most `batch`.
 */
export async function chooseMicroBatch(
  model: tf.LayersModel,
  loss: SegLoss,
  size: number,
  batch: number,
  classes: number,
  budget = HEAP_BUDGET,
): Promise<MicroBatchChoice> {
  const gpu = tf.getBackend() === 'webgpu';
  // On a GPU, measure from an empty pool: what is already pooled would hide the growth.
  if (gpu) releaseGpuPool();
  const before = gpu ? gpuMemory()!.allocated : wasmHeapBytes();
  if (before === null || batch <= 1) return { microBatch: batch, bytesPerImage: null };
  const saved = model.nonTrainableWeights.map((w) => w.read().clone());
  const { x, y } = randomBatch(1, size, classes, 1);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  try {
    const { gradients } = await batchGradients(model, loss, variables, x, y, 1, size, 1);
    tf.dispose(gradients);
  } finally {
    model.nonTrainableWeights.forEach((w, i) => w.write(saved[i]!));
    tf.dispose(saved);
  }
  const after = gpu ? gpuMemory()!.allocated : wasmHeapBytes()!;
  // A heap that was already large may not grow at all: count at least 5x the layer outputs
  // (the heap grew by 5.0–7.4x their size per image for every registered model when tfjs kept the
  // whole tape to the end; 0.9–1.6x since tape/release-as-you-go.ts. The floor stays: it keeps
  // PSPNet-ResNet50's micro-batches at 2 per worker, 2.1 GB for a batch of 8 on 2 workers, under
  // the PyTorch peer's 3.3 GB).
  const bytesPerImage = Math.max(after - before, 5 * activationBytes(model));
  if (gpu) {
    releaseGpuPool();
    const binding = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } }).device?.limits
      ?.maxStorageBufferBindingSize;
    const byBinding = binding ? Math.floor(binding / largestActivationBytes(model)) : batch;
    const byMemory = Math.floor(gpuBudgetBytes() / bytesPerImage);
    return { microBatch: Math.max(1, Math.min(batch, byMemory, byBinding)), bytesPerImage };
  }
  const microBatch = Math.max(1, Math.min(batch, Math.floor((budget - before) / bytesPerImage)));
  return { microBatch, bytesPerImage };
}
