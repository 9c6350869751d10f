// GPU memory of the webgpu backend. tfjs keeps every released buffer in a pool keyed by size and
// usage for reuse, so `numBytesAllocatedInGPU` (the pool plus live tensors) only grows during a
// run: it is the run's peak. `releaseGpuPool` destroys the pooled buffers once a run ends, so a
// finished run gives its GPU memory back to the device (and to the next run with other shapes).
import { tf } from '../tf';

export interface GpuMemory {
  /** Bytes in live tensors. */
  inUse: number;
  /** Bytes held from the device: live tensors plus the reuse pool (the peak so far). */
  allocated: number;
  usedBuffers: number;
  freeBuffers: number;
}

interface PoolBuffer {
  size: number;
  destroy(): void;
}

interface BufferManagerLike {
  numBytesUsed: number;
  numBytesAllocated: number;
  numFreeBuffers: number;
  freeBuffers: Map<string, PoolBuffer[]>;
  getNumUsedBuffers(): number;
  getNumFreeBuffers(): number;
}

interface WebGpuBackendLike {
  bufferManager?: BufferManagerLike;
  commandEncoder: object | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/**
 * The buffer manager, after submitting the recorded commands: tfjs defers both the submit (up to
 * 15 dispatches) and the release of the buffers those commands use, so counts read in between
 * include buffers already disposed.
 */
function bufferManager(): BufferManagerLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  if (backend.commandEncoder !== null) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return backend.bufferManager ?? null;
}

/** The webgpu backend's memory now, or null on other backends. */
export function gpuMemory(): GpuMemory | null {
  const m = bufferManager();
  if (m === null) return null;
  return { inUse: m.numBytesUsed, allocated: m.numBytesAllocated, usedBuffers: m.getNumUsedBuffers(), freeBuffers: m.getNumFreeBuffers() };
}

/** Destroys the pooled (released) buffers; returns the bytes given back. No-op off webgpu. */
export function releaseGpuPool(): number {
  const m = bufferManager();
  if (m === null) return 0;
  let bytes = 0;
  // Empty each list but keep the keys: tfjs's releaseBuffer ignores every release once the map is empty.
  for (const list of m.freeBuffers.values()) {
    for (const buffer of list) {
      bytes += buffer.size;
      buffer.destroy();
    }
    list.length = 0;
  }
  m.numBytesAllocated -= bytes;
  m.numFreeBuffers = 0;
  return bytes;
}
