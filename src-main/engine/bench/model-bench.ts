// The engine benchmark: for a registered model at S×S, batch B, C classes — training images/s
// (Dice + CE + Jaccard loss, SGD), inference images/s, peak RSS — on the backend in use, and
// optionally one training step on the `cpu` backend for the speed-up. Runs wherever the engine
// runs (the bench CLI runs it in the engine worker).
import os from 'node:os';
import { ORIGINAL_LOSS, makeLoss } from '../losses/index';
import { countMacs } from '../models/flops';
import { buildModel } from '../models/registry';
import { preferredRuntime, runModel, type InferRuntime } from '../infer/runtime';
import { onnxSessionOf } from '../infer/onnx/session-cache';
import { onnxRuntimeVersion } from '../infer/onnx/session';
import { gpuMemory, releaseGpuPool } from '../backend/gpu-memory';
import { tf } from '../tf';
import { chooseMicroBatch } from '../train/heap-budget';
import { randomBatch } from '../train/random-batch';
import { LocalSteps } from '../train/step-engine';
import { median, timeCalls, type Timing } from './timing';

export interface BenchOptions {
  model: string;
  size: number;
  batch: number;
  classes: number;
  /** Timed training steps (after `warmup` untimed ones); 0 skips training. */
  trainSteps: number;
  inferSteps: number;
  warmup: number;
  /** Also time one training step on the cpu backend, at `cpuBatch` images. */
  cpuStep: boolean;
  cpuBatch: number;
}

export interface ModelBench {
  model: string;
  gflopsPerImage: number;
  backend: string;
  size: number;
  batch: number;
  classes: number;
  trainImagesPerSec: number;
  inferImagesPerSec: number;
  /** Median wall time of one training step (ms). */
  trainStepMs: number;
  inferBatchMs: number;
  /** The process's peak resident memory (MB): the larger of the two phases' where they were sampled apart. */
  peakRssMb: number;
  /** Peak RSS while training and while inferring, each phase alone (bench/peak-rss.ts); absent where not sampled apart. */
  trainPeakRssMb?: number;
  inferPeakRssMb?: number;
  /** Process CPU time / wall time while timing (≈ threads kept busy; low = machine was contended). */
  trainCoresBusy: number;
  inferCoresBusy: number;
  loadAverage: number[];
  cpu: { batch: number; stepMs: number; imagesPerSec: number; speedup: number } | null;
  /** Where training and inference ran (e.g. "2 data-parallel workers", "one engine, 2 threads"). */
  trainPath: string;
  inferPath: string;
  /** FLOPs achieved: inference = forward FLOPs × img/s; training counts 3× the forward (forward + two backward products). */
  trainGflopsPerSec?: number;
  inferGflopsPerSec?: number;
  /**
   * webgpu: peak device memory of the training and of the inference phase (MB), the buffer pool's
   * high-water mark (tfjs numBytesAllocatedInGPU; WebGPU adapters do not report device memory).
   */
  peakGpuTrainMb?: number | null;
  peakGpuInferMb?: number | null;
  /** Images per micro-batch the training step used. */
  microBatch?: number;
  /** The runtime the inference figure ran on ("onnxruntime-node 1.30.0, 2 threads", "tfjs fused graph"). */
  inferRuntime?: string;
  /** With onnxruntime in use: the fused tfjs graph's images/s in the same run, for the comparison. */
  inferTfjsImagesPerSec?: number;
}

export type BenchProgress = (message: string) => void;

/** Times `steps` SGD steps (Dice + CE + Jaccard) after `warmup`, as `facet train` takes them in one engine. */
async function timeTraining(
  model: tf.LayersModel, batch: number, size: number, classes: number, warmup: number, steps: number,
): Promise<Timing & { microBatch: number }> {
  const loss = makeLoss(ORIGINAL_LOSS, classes);
  const optimizer = tf.train.sgd(0.1);
  const { x, y } = randomBatch(batch, size, classes, 1);
  try {
    const { microBatch } = await chooseMicroBatch(model, loss, size, batch, classes);
    // As `facet train` steps on a GPU: the confusion is counted there, not downloaded as labels.
    const local = new LocalSteps(model, optimizer, loss, microBatch, tf.getBackend() === 'webgpu' ? classes : null);
    return { ...(await timeCalls(warmup, steps, () => local.step(x, y, batch, size, 0.1))), microBatch };
  } finally {
    optimizer.dispose();
  }
}

/** Peak device MB since the pool was last emptied (null off webgpu). */
function peakGpuMb(): number | null {
  const m = gpuMemory();
  return m === null ? null : m.allocated / 2 ** 20;
}

/**
 * Times what Predict and segmentation run (runtime.ts): onnxruntime where it is preferred and
 * the model exports, the fused tfjs graph otherwise; the session or graph is made in the
 * warm-up, outside the timing.
 */
async function timeInference(model: tf.LayersModel, batch: number, size: number, warmup: number, steps: number, runtime: InferRuntime): Promise<Timing & { runtime: InferRuntime }> {
  const x = tf.tidy(() => tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 3).dataSync() as Float32Array);
  let used: InferRuntime = runtime;
  const timing = await timeCalls(Math.max(1, warmup), steps, async () => {
    used = (await runModel(model, x, batch, size, runtime)).runtime;
  });
  return { ...timing, runtime: used };
}

async function runtimeWords(model: tf.LayersModel, runtime: InferRuntime): Promise<string> {
  if (runtime === 'tfjs') return `tfjs fused graph (${tf.getBackend()})`;
  const outcome = await onnxSessionOf(model);
  return `onnxruntime-node ${await onnxRuntimeVersion()}, ${outcome.ok ? outcome.session.threads : '?'} threads`;
}

/** One training step of a fresh model on the current backend (the cpu reference). */
export async function oneTrainingStep(o: { model: string; size: number; batch: number; classes: number }): Promise<{ stepMs: number; backend: string }> {
  const model = buildModel(o.model, { inputSize: o.size, numClasses: o.classes, seed: 1 });
  try {
    const [ms] = (await timeTraining(model, o.batch, o.size, o.classes, 0, 1)).ms;
    return { stepMs: ms!, backend: tf.getBackend() };
  } finally {
    model.dispose();
  }
}

export async function benchModel(o: BenchOptions, progress: BenchProgress = () => {}): Promise<ModelBench> {
  const backend = tf.getBackend();
  const model = buildModel(o.model, { inputSize: o.size, numClasses: o.classes, seed: 1 });
  try {
    const gflops = (2 * countMacs(model)) / 1e9;
    let train: Timing & { microBatch: number } = { ms: [Number.NaN], coresBusy: 0, microBatch: o.batch };
    let peakGpuTrainMb: number | null = null;
    if (o.trainSteps > 0) {
      progress(`${o.model}: ${gflops.toFixed(2)} GFLOPs/img, training on ${backend}`);
      releaseGpuPool();
      train = await timeTraining(model, o.batch, o.size, o.classes, o.warmup, o.trainSteps);
      peakGpuTrainMb = peakGpuMb();
      progress(`${o.model}: training step ${median(train.ms).toFixed(0)} ms (median of ${train.ms.length}); inference`);
    }
    const trainStepMs = median(train.ms);
    releaseGpuPool();
    const infer = await timeInference(model, o.batch, o.size, o.warmup, o.inferSteps, preferredRuntime(model));
    // The fused graph's figure beside onnxruntime's, same run, same model.
    const tfjsInfer = infer.runtime === 'onnx' ? await timeInference(model, o.batch, o.size, o.warmup, o.inferSteps, 'tfjs') : null;
    const inferRuntime = await runtimeWords(model, infer.runtime);
    const peakGpuInferMb = peakGpuMb();
    releaseGpuPool();
    const inferBatchMs = median(infer.ms);
    let cpu: ModelBench['cpu'] = null;
    if (o.cpuStep && backend !== 'cpu') {
      progress(`${o.model}: one training step on the cpu backend at batch ${o.cpuBatch} (slow)`);
      await tf.setBackend('cpu');
      try {
        const [ms] = (await timeTraining(model, o.cpuBatch, o.size, o.classes, 0, 1)).ms;
        const cpuRate = (o.cpuBatch * 1000) / ms!;
        cpu = { batch: o.cpuBatch, stepMs: ms!, imagesPerSec: cpuRate, speedup: (o.batch * 1000) / trainStepMs / cpuRate };
      } finally {
        await tf.setBackend(backend);
      }
    }
    return {
      model: o.model,
      gflopsPerImage: gflops,
      backend,
      size: o.size,
      batch: o.batch,
      classes: o.classes,
      trainImagesPerSec: (o.batch * 1000) / trainStepMs,
      inferImagesPerSec: (o.batch * 1000) / inferBatchMs,
      trainStepMs,
      inferBatchMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      trainCoresBusy: train.coresBusy,
      inferCoresBusy: infer.coresBusy,
      loadAverage: os.loadavg(),
      cpu,
      trainPath: 'one engine',
      inferPath: 'one engine',
      trainGflopsPerSec: (3 * gflops * o.batch * 1000) / trainStepMs,
      inferGflopsPerSec: (gflops * o.batch * 1000) / inferBatchMs,
      peakGpuTrainMb,
      peakGpuInferMb,
      microBatch: train.microBatch,
      inferRuntime,
      ...(tfjsInfer ? { inferTfjsImagesPerSec: (o.batch * 1000) / median(tfjsInfer.ms) } : {}),
    };
  } finally {
    model.dispose();
  }
}
