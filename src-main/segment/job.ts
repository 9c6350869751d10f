// A batch segmentation job for the studio: segmentFolder in an engine worker of its own (started
// for the batch, closed after it), so the host's event loop (and its API) stays free while the
// model runs, a training run in the shared engine worker is not held up, and cancel stops the
// batch after the photo in progress with the summary written.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ResolvedSegmentOptions, SegmentJob, SegmentProgressEvent } from '../contract/segment';
import { EngineHost, workerEntry } from '../engine/index';
import { SUMMARY_FILE } from './batch';
import { segmentFolderJob, type SegmentJobEvent } from './worker-job';

export interface JobListener {
  onProgress(event: SegmentProgressEvent): void;
  onJob(job: SegmentJob): void;
}

export interface RunningJob {
  readonly job: SegmentJob;
  cancel(): void;
  /** Resolves when the batch has ended and the job has its final state. */
  readonly finished: Promise<SegmentJob>;
}

const here = import.meta.url;

export function startSegmentJob(options: ResolvedSegmentOptions, listener: JobListener): RunningJob {
  const job: SegmentJob = {
    id: randomUUID(),
    ...options,
    state: 'running',
    total: null,
    done: 0,
    segmented: 0,
    skipped: 0,
    failed: [],
    startedAt: new Date().toISOString(),
    seconds: 0,
    error: null,
    summaryPath: join(options.outDir, SUMMARY_FILE),
  };
  const started = performance.now();
  const controller = new AbortController();
  // Images/s over the photos actually segmented (skipped ones cost nothing).
  let firstWorkAt: number | null = null;

  const onEvent = (event: SegmentJobEvent): void => {
    if (event.type === 'start') {
      job.total = event.total;
      listener.onJob({ ...job });
      return;
    }
    job.done = event.done;
    if (event.outcome === 'segmented') job.segmented++;
    else if (event.outcome === 'skipped') job.skipped++;
    else job.failed.push({ file: event.file, error: event.error ?? 'failed' });
    job.seconds = (performance.now() - started) / 1000;
    if (event.outcome !== 'skipped') firstWorkAt ??= performance.now() - event.seconds * 1000;
    const work = firstWorkAt === null ? 0 : (performance.now() - firstWorkAt) / 1000;
    const rate = work > 0 ? (job.segmented + job.failed.length) / work : 0;
    listener.onProgress({
      jobId: job.id,
      done: event.done,
      total: event.total,
      file: event.file,
      outcome: event.outcome,
      ...(event.error !== undefined ? { error: event.error } : {}),
      imagesPerSecond: rate,
      etaSeconds: rate > 0 ? (event.total - event.done) / rate : 0,
    });
  };

  const finished = (async (): Promise<SegmentJob> => {
    let host: EngineHost | null = null;
    try {
      host = await EngineHost.start({}, workerEntry(new URL('./worker-entry.ts', here), 'segment-worker'));
      if (controller.signal.aborted) job.state = 'cancelled';
      else {
        const report = await host.run(segmentFolderJob, options, { onEvent, signal: controller.signal });
        // The report is the batch's own account; the running counts above were for display.
        Object.assign(job, { total: report.total, segmented: report.segmented, skipped: report.skipped, failed: report.failed, done: report.segmented + report.skipped + report.failed.length });
        job.state = report.cancelled ? 'cancelled' : report.stopped ? 'failed' : 'finished';
        if (report.stopped) job.error = `stopped: ${report.stopped} (what was done is kept; start it again to continue)`;
      }
    } catch (error) {
      job.state = 'failed';
      job.error = error instanceof Error ? error.message : String(error);
    } finally {
      await host?.close();
    }
    job.seconds = (performance.now() - started) / 1000;
    listener.onJob({ ...job });
    return { ...job };
  })();

  listener.onJob({ ...job });
  return {
    get job() {
      return { ...job };
    },
    cancel() {
      controller.abort();
    },
    finished,
  };
}
