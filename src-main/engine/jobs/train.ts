// The training and evaluation jobs the engine worker runs. The run itself is train/run-job.ts,
// which an in-process host runs directly.
import type { DataSource, EvalReport, RunSummary } from '../../contract/training';
import { evaluateSaved, type EvalSplit } from '../train/eval-run';
import { trainRun, type TrainJobInput, type TrainJobMessage } from '../train/run-job';
import { defineJob } from '../worker/protocol';

export const trainJob = defineJob<TrainJobInput, RunSummary, TrainJobMessage>({
  name: 'train.run',
  run: (input, ctx) => trainRun(input, ctx.engine.backend, (m) => ctx.emit(m), ctx.signal),
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
