// Chooses where a run's steps execute (step-engine.ts). On wasm, with more than one core and a
// batch to share, data-parallel engine workers: each has its own heap and runs every op, where
// one threaded heap parallelises only XNNPACK's convolutions and matMuls (measured, DeepLabV3+
// MobileNetV2 at 256 px, batch 8: 2 workers 1.74 img/s; one heap with 2 threads could not hold
// the batch at all). Elsewhere (tfjs-node uses every core itself; webgpu one device; cpu) this
// thread's engine.
import os from 'node:os';
import type { RunConfig } from '../../contract/training';
import { NUM_CLASSES } from '../../contract/classes';
import type { SegLoss } from '../losses/index';
import { tf } from '../tf';
import { DataParallel } from './replicas';
import { chooseMicroBatch } from './heap-budget';
import { saveOptimizerState } from './optimizer';
import { LocalSteps, ParallelSteps, type StepEngine } from './step-engine';

/** Engine workers for training: FACET_TRAIN_WORKERS, else one per core (at most 4) on wasm, else 1. */
export function defaultTrainWorkers(backend: string, batchSize: number): number {
  const fromEnv = Number(process.env['FACET_TRAIN_WORKERS']);
  const wanted = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : backend === 'wasm' ? Math.min(4, os.availableParallelism()) : 1;
  return Math.max(1, Math.min(wanted, batchSize));
}

export interface OpenStepsOptions {
  config: RunConfig;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  loss: SegLoss;
  /** Engine workers (1: this thread). */
  workers: number;
}

export async function openSteps(o: OpenStepsOptions): Promise<StepEngine> {
  const { config, model, optimizer, loss } = o;
  if (o.workers <= 1) {
    const { microBatch } = await chooseMicroBatch(model, loss, config.inputSize, config.batchSize, NUM_CLASSES);
    // On a GPU the labels stay there: the step reads back the loss and the confusion counts only.
    return new LocalSteps(model, optimizer, loss, microBatch, tf.getBackend() === 'webgpu' ? NUM_CLASSES : null);
  }
  const weights = await Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
  const dp = await DataParallel.start(o.workers, {
    model: config.model,
    modelOptions: config.modelOptions,
    size: config.inputSize,
    classes: NUM_CLASSES,
    seed: config.seed,
    loss: config.loss,
    optimizer: { optimizer: config.optimizer, lr: config.lr, momentum: config.momentum },
    weights,
    optimizerState: await saveOptimizerState(optimizer),
    maxShard: Math.ceil(config.batchSize / o.workers),
    freezeBatchNorm: config.freezeBatchNorm,
  }, { backend: 'wasm', threads: 1 });
  return new ParallelSteps(dp);
}
