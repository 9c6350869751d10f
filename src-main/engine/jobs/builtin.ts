// Jobs every engine worker has: its engine info, a compute probe (used to prove the host stays
// responsive while the worker computes), and the benchmark.
import { tf } from '../tf';
import { defineJob } from '../worker/protocol';
import { benchModel, oneTrainingStep, type BenchOptions, type ModelBench } from '../bench/model-bench';

type EngineMemory = { numTensors: number; numBytes: number; numBytesInGPU?: number; numBytesAllocatedInGPU?: number };

export const infoJob = defineJob<Record<string, never>, { info: import('../backend/types').EngineInfo; memory: EngineMemory }>({
  name: 'engine.info',
  async run(_input, ctx) {
    const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
    const memory: EngineMemory = { numTensors: m.numTensors, numBytes: m.numBytes };
    if (m.numBytesInGPU !== undefined) memory.numBytesInGPU = m.numBytesInGPU;
    if (m.numBytesAllocatedInGPU !== undefined) memory.numBytesAllocatedInGPU = m.numBytesAllocatedInGPU;
    return { info: ctx.engine, memory };
  },
});

/** Multiplies `size`² matrices `repeats` times, blocking the worker's thread in between events. */
export const computeJob = defineJob<{ size: number; repeats: number }, { checksum: number; ms: number }, { done: number }>({
  name: 'engine.compute',
  async run(input, ctx) {
    const t0 = performance.now();
    let checksum = 0;
    const a = tf.randomUniform([input.size, input.size], -1, 1, 'float32', 5);
    try {
      for (let i = 0; i < input.repeats; i++) {
        if (ctx.signal.aborted) throw new Error('cancelled');
        const s = tf.tidy(() => tf.matMul(a, a).sum());
        checksum += (await s.data())[0]!;
        s.dispose();
        ctx.emit({ done: i + 1 });
        await ctx.yield();
      }
    } finally {
      a.dispose();
    }
    return { checksum, ms: performance.now() - t0 };
  },
});

export const benchJob = defineJob<BenchOptions, ModelBench, { message: string }>({
  name: 'engine.bench',
  async run(input, ctx) {
    return benchModel(input, (message) => ctx.emit({ message }));
  },
});

export const trainStepJob = defineJob<{ model: string; size: number; batch: number; classes: number }, { stepMs: number; backend: string }>({
  name: 'engine.trainStep',
  async run(input) {
    return oneTrainingStep(input);
  },
});
