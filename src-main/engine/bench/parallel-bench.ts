// The benchmark of model-bench.ts, run data-parallel — the path `facet train` takes on wasm: `workers` engine workers, each with a
// single-threaded wasm heap and a replica, share every batch (see train/replicas.ts). Timings,
// CPU use and peak RSS are the whole process's (the workers are its threads).
import os from 'node:os';
import type { EngineOptions } from '../backend/types';
import { ORIGINAL_LOSS } from '../losses/index';
import { DataParallel } from '../train/replicas';
import type { ModelBench } from './model-bench';
import { median, timeCalls } from './timing';

export interface DataParallelBenchOptions {
  model: string;
  size: number;
  batch: number;
  classes: number;
  steps: number;
  warmup: number;
  workers: number;
  engine?: EngineOptions;
}

/** Median milliseconds per call and how busy the cores were. */
async function timed(warmup: number, steps: number, call: () => Promise<unknown>): Promise<{ ms: number; coresBusy: number }> {
  const t = await timeCalls(warmup, steps, call);
  return { ms: median(t.ms), coresBusy: t.coresBusy };
}

export async function benchDataParallel(o: DataParallelBenchOptions, progress: (m: string) => void = () => {}): Promise<ModelBench> {
  const dp = await DataParallel.start(o.workers, {
    model: o.model,
    size: o.size,
    classes: o.classes,
    seed: 1,
    loss: ORIGINAL_LOSS,
    optimizer: { optimizer: 'sgd', lr: 0.1, momentum: 0 },
    maxShard: Math.ceil(o.batch / o.workers),
  }, o.engine);
  try {
    const counts = dp.split(o.batch);
    progress(`${o.model}: ${dp.replica.gflopsPerImage.toFixed(2)} GFLOPs/img, training data-parallel on ${counts.length} workers (${counts.join('+')} images, micro-batches of at most ${dp.replica.microBatch})`);
    // One fixed random batch, as the single-engine benchmark uses (each worker its own shard of it).
    const shards = () => counts.map((count, i) => ({ random: 10 + i, count }));
    const train = await timed(o.warmup, o.steps, () => dp.step(shards(), 0.1));
    progress(`${o.model}: training step ${train.ms.toFixed(0)} ms; inference`);
    const infer = await timed(o.warmup, o.steps, () => dp.predict(shards()));
    return {
      model: o.model,
      gflopsPerImage: dp.replica.gflopsPerImage,
      backend: `${dp.hosts[0]!.info.backend} ×${counts.length} workers`,
      size: o.size,
      batch: o.batch,
      classes: o.classes,
      trainImagesPerSec: (o.batch * 1000) / train.ms,
      inferImagesPerSec: (o.batch * 1000) / infer.ms,
      trainStepMs: train.ms,
      inferBatchMs: infer.ms,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      trainCoresBusy: train.coresBusy,
      inferCoresBusy: infer.coresBusy,
      loadAverage: os.loadavg(),
      cpu: null,
      trainPath: `${counts.length} data-parallel engine workers`,
      inferPath: `${counts.length} data-parallel engine workers`,
    };
  } finally {
    await dp.close();
  }
}
