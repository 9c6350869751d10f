// The training job the engine worker runs: starts the engine, then one run (fresh or resumed)
// with its events turned into messages. The loop itself is a plain async function
// (engine/train/loop.ts); this wrapper is all a host needs, in a worker thread or in-process.
import type { RunBatchEvent, RunEpochEvent, RunSummary } from '../../../api/contract/training';
import { initEngine, type EngineOptions } from '../../backend/index';
import { runTraining } from '../../train/loop';
import { RunFolder } from '../../train/run-folder';

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

export async function runTrainJob(input: TrainJobInput, send: (message: TrainJobMessage) => void, signal: AbortSignal): Promise<RunSummary> {
  const engine = await initEngine(input.backend ? { backend: input.backend } : {});
  return runTraining({
    run: new RunFolder(input.runDir),
    resume: input.resume,
    ...(input.epochs !== undefined ? { epochs: input.epochs } : {}),
    signal,
    backend: engine.backend,
    callbacks: {
      onBatch: (event) => send({ type: 'batch', event }),
      onEpoch: (event) => send({ type: 'epoch', event }),
      onStatus: (summary) => send({ type: 'status', summary }),
      log: (message) => send({ type: 'log', message }),
    },
  });
}
