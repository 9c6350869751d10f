// A batch segmentation job for the studio: `facet segment --json-progress` in a child process,
// so the host's event loop (and its API) stays free while the model runs, a crash on a huge photo
// cannot take the host down, and cancel is a signal the CLI turns into a clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SegmentJob, SegmentProgressEvent } from '../contract/segment';
import type { SegmentJsonLine } from '../cli/segment';
import { SUMMARY_FILE } from './batch';

const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));

export interface JobOptions {
  inDir: string;
  outDir: string;
  model: string;
  overlay: boolean;
  faces: boolean;
  force: boolean;
}

export interface JobListener {
  onProgress(event: SegmentProgressEvent): void;
  onJob(job: SegmentJob): void;
}

export interface RunningJob {
  readonly job: SegmentJob;
  cancel(): void;
  /** Resolves when the child has exited and the job has its final state. */
  readonly finished: Promise<SegmentJob>;
}

export function startSegmentJob(options: JobOptions, listener: JobListener): RunningJob {
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
  const args = [bin, 'segment', options.inDir, '--out', options.outDir, '--model', options.model, '--json-progress', '--no-progress'];
  if (options.overlay) args.push('--overlay');
  if (options.faces) args.push('--faces');
  if (options.force) args.push('--force');
  const started = performance.now();
  // Inside Electron, process.execPath is the Electron binary: run it as plain Node.
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  let cancelled = false;
  let sawDone = false;
  // Images/s over the photos actually segmented (skipped ones cost nothing).
  let firstWorkAt: number | null = null;

  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (text) => {
    let line: SegmentJsonLine;
    try {
      line = JSON.parse(text) as SegmentJsonLine;
    } catch {
      return;
    }
    if (line.type === 'start') {
      job.total = line.total;
      listener.onJob({ ...job });
    } else if (line.type === 'progress') {
      job.done = line.done;
      if (line.outcome === 'segmented') job.segmented++;
      else if (line.outcome === 'skipped') job.skipped++;
      else job.failed.push({ file: line.file, error: line.error ?? 'failed' });
      job.seconds = (performance.now() - started) / 1000;
      if (line.outcome !== 'skipped') firstWorkAt ??= performance.now() - line.seconds * 1000;
      const work = firstWorkAt === null ? 0 : (performance.now() - firstWorkAt) / 1000;
      const processed = job.segmented + job.failed.length;
      const rate = work > 0 ? processed / work : 0;
      listener.onProgress({
        jobId: job.id,
        done: line.done,
        total: line.total,
        file: line.file,
        outcome: line.outcome,
        ...(line.error !== undefined ? { error: line.error } : {}),
        imagesPerSecond: rate,
        etaSeconds: rate > 0 ? (line.total - line.done) / rate : 0,
      });
    } else if (line.type === 'done') {
      sawDone = true;
      const r = line.report;
      Object.assign(job, { total: r.total, segmented: r.segmented, skipped: r.skipped, failed: r.failed, done: r.segmented + r.skipped + r.failed.length });
      job.state = r.cancelled ? 'cancelled' : 'finished';
    }
  });

  const finished = new Promise<SegmentJob>((resolve) => {
    child.once('close', (code) => {
      job.seconds = (performance.now() - started) / 1000;
      if (!sawDone) {
        job.state = cancelled ? 'cancelled' : 'failed';
        const message = stderr.split('\n').filter((l) => l.trim() !== '').slice(-3).join(' ').replace(/^facet: /, '');
        job.error = cancelled ? null : message || `the segment process exited with status ${code}`;
      }
      listener.onJob({ ...job });
      resolve({ ...job });
    });
    child.once('error', (error) => {
      job.state = 'failed';
      job.error = `cannot start the segment process: ${error.message}`;
    });
  });

  listener.onJob({ ...job });
  return {
    get job() {
      return { ...job };
    },
    cancel() {
      cancelled = true;
      if (child.exitCode === null) child.kill('SIGTERM');
    },
    finished,
  };
}
