// "Predict all" for the studio: predictProject in an engine worker of its own (started for the
// job, closed after it), so the API stays free and a training run in the shared engine worker
// is not held up; cancel stops after the image in progress, keeping what is done.
import { randomUUID } from 'node:crypto';
import type { PredictAllJob, PredictOnly } from '../contract/proposals';
import { EngineHost, workerEntry } from '../engine/index';
import { predictProjectJob, type PredictJobEvent } from './predict-job';

export interface PredictAllListener {
  onProgress(job: PredictAllJob, name: string | null): void;
}

export interface RunningPredictAll {
  readonly job: PredictAllJob;
  cancel(): void;
  readonly finished: Promise<PredictAllJob>;
}

const here = import.meta.url;

export function startPredictAll(input: { projectDir: string; modelDir: string; only: PredictOnly }, listener: PredictAllListener): RunningPredictAll {
  const job: PredictAllJob = { id: randomUUID(), state: 'running', done: 0, total: null, model: input.modelDir, report: null, error: null };
  const controller = new AbortController();
  const onEvent = (e: PredictJobEvent): void => {
    if (e.type === 'start') job.total = e.total;
    else job.done = e.done;
    listener.onProgress({ ...job }, e.type === 'progress' ? e.name : null);
  };
  const finished = (async (): Promise<PredictAllJob> => {
    let host: EngineHost | null = null;
    try {
      host = await EngineHost.start({}, workerEntry(new URL('./worker-entry.ts', here), 'segment-worker'));
      const report = await host.run(predictProjectJob, input, { onEvent, signal: controller.signal });
      job.report = report;
      job.state = report.cancelled ? 'cancelled' : 'finished';
    } catch (error) {
      job.state = controller.signal.aborted ? 'cancelled' : 'failed';
      job.error = error instanceof Error ? error.message : String(error);
    } finally {
      await host?.close().catch(() => undefined);
    }
    listener.onProgress({ ...job }, null);
    return { ...job };
  })();
  return { job, cancel: () => controller.abort(), finished };
}
