// One training run as a job: the loop (loop.ts) over a run folder, its events as messages. The
// engine worker's `train.run` job (jobs/train.ts) and an in-process host (the CLI, tests) both run
// this, so both paths share every line that matters.
import type { RunBatchEvent, RunEpochEvent, RunSummary } from '../../contract/training';
import { initEngine, type EngineOptions } from '../backend/index';
import { runTraining } from './loop';
import { RunFolder } from './run-folder';

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

export function trainRun(input: TrainJobInput, backend: string, send: (message: TrainJobMessage) => void, signal: AbortSignal): Promise<RunSummary> {
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
  return trainRun(input, engine.backend, send, signal);
}
