// The training and evaluation jobs the engine worker runs. The loop itself is a plain async
// function (engine/train/loop.ts); `runTrainJob` is the same job for a host without a worker
// (the CLI, tests), so both paths share every line that matters.
import type { EvalReport, RunBatchEvent, RunEpochEvent, RunSummary, DataSource } from '../../contract/training';
import { initEngine, type EngineOptions } from '../backend/index';
import { evaluateSaved, type EvalSplit } from '../train/eval-run';
import { runTraining } from '../train/loop';
import { RunFolder } from '../train/run-folder';
import { defineJob } from '../worker/protocol';

export interface TrainJobInput {
  runDir: string;
  resume: boolean;
  /** On resume: a new total epoch count. */
  epochs?: number;
  backend?: EngineOptions['backend'];
}

export type TrainJobMessage =
  | { type: 'batch'; event: RunBatchEvent }
  | { type: 'epoch'; event: RunEpochEvent }
  | { type: 'status'; summary: RunSummary }
  | { type: 'log'; message: string };

function train(input: TrainJobInput, backend: string, send: (message: TrainJobMessage) => void, signal: AbortSignal): Promise<RunSummary> {
  return runTraining({
    run: new RunFolder(input.runDir),
    resume: input.resume,
    ...(input.epochs !== undefined ? { epochs: input.epochs } : {}),
    signal,
    backend,
    callbacks: {
      onBatch: (event) => send({ type: 'batch', event }),
      onEpoch: (event) => send({ type: 'epoch', event }),
      onStatus: (summary) => send({ type: 'status', summary }),
      log: (message) => send({ type: 'log', message }),
    },
  });
}

/** In-process: starts the engine here, then trains. */
export async function runTrainJob(input: TrainJobInput, send: (message: TrainJobMessage) => void, signal: AbortSignal): Promise<RunSummary> {
  const engine = await initEngine(input.backend ? { backend: input.backend } : {});
  return train(input, engine.backend, send, signal);
}

export const trainJob = defineJob<TrainJobInput, RunSummary, TrainJobMessage>({
  name: 'train.run',
  run: (input, ctx) => train(input, ctx.engine.backend, (m) => ctx.emit(m), ctx.signal),
});

export interface EvalJobInput {
  model: string;
  checkpoint: 'best' | 'last';
  data?: DataSource;
  split: EvalSplit | 'unassigned';
  batchSize?: number;
}

export const evalJob = defineJob<EvalJobInput, EvalReport, { done: number; total: number }>({
  name: 'eval.run',
  run: (input, ctx) =>
    evaluateSaved({ ...input, backend: ctx.engine.backend, signal: ctx.signal, onProgress: (done, total) => ctx.emit({ done, total }) }),
});
