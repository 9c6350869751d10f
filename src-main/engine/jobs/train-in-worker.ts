// Runs training jobs in the process's shared engine worker (engine/worker/service.ts), so the
// API thread stays free while a run computes.
import { engineHost } from '../worker/service';
import type { TrainJobInput, TrainJobMessage } from '../train/run-job';
import { trainJob } from './train';
import type { RunSummary } from '../../contract/training';

export { engineHost };

export async function runTrainInWorker(input: TrainJobInput, send: (message: TrainJobMessage) => void, signal: AbortSignal): Promise<RunSummary> {
  const h = await engineHost();
  return h.run(trainJob, input, { onEvent: send, signal });
}
