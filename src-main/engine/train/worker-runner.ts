// Runs training jobs in the engine worker thread (issue 3's host), so the API thread stays free
// while a run computes. One worker per host process, started on first use.
import { EngineHost } from '../worker/host';
import { trainJob, type TrainJobInput, type TrainJobMessage } from '../worker/jobs/train';
import type { RunSummary } from '../../api/contract/training';

let host: Promise<EngineHost> | null = null;

export function engineHost(): Promise<EngineHost> {
  host ??= EngineHost.start().catch((error: unknown) => {
    host = null;
    throw error;
  });
  return host;
}

export async function runTrainInWorker(input: TrainJobInput, send: (message: TrainJobMessage) => void, signal: AbortSignal): Promise<RunSummary> {
  const h = await engineHost();
  return h.run(trainJob, input, { onEvent: send, signal });
}
