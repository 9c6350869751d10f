// The engine worker thread's loop: owns TensorFlow.js, starts the backend once, then runs jobs one
// at a time in arrival order (a backend is not re-entrant), posting their events and results.
// An entry file (jobs/entry.ts, or a floor above with jobs of its own) calls `serveJobs` with its jobs.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { DomainError } from '../../contract/domain-error';
import { initEngine } from '../backend/index';
import { gpuDeviceLost } from '../backend/gpu-health';
import type { EngineInfo } from '../backend/types';
import type { HostToWorker, JobContext, JobDefinition, WorkerConfig, WorkerToHost } from './protocol';

type AnyJob = JobDefinition<never, unknown, never>;

export function serveJobs(jobs: ReadonlyArray<AnyJob>): void {
  const port = parentPort;
  if (port === null) throw new Error('an engine worker entry must run in a worker thread');
  const byName = new Map<string, JobDefinition<unknown, unknown, unknown>>(
    jobs.map((j) => [j.name, j as unknown as JobDefinition<unknown, unknown, unknown>]),
  );
  void main(port, byName);
}

async function runJob(post: (message: WorkerToHost) => void, byName: Map<string, JobDefinition<unknown, unknown, unknown>>, cancels: Map<number, AbortController>, engine: EngineInfo, id: number, name: string, input: unknown): Promise<void> {
  const job = byName.get(name);
  const abort = cancels.get(id)!;
  try {
    if (!job) throw new Error(`unknown engine job "${name}" (known: ${[...byName.keys()].join(', ')})`);
    const ctx: JobContext = {
      engine,
      signal: abort.signal,
      emit: (event) => post({ type: 'event', id, event }),
      yield: () => new Promise((resolve) => setImmediate(resolve)),
    };
    const output = await job.run(input, ctx);
    post({ type: 'result', id, output });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', id, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }), ...(e instanceof DomainError ? { domain: e.toData() } : {}) });
  } finally {
    cancels.delete(id);
  }
  // A lost GPU device cannot compute again in this thread: end it once the job has answered,
  // so the host (worker/service.ts) starts a fresh engine, with a new device, for the next job.
  // (In a worker thread process.exit ends only the thread; the answer above is already posted.)
  if (engine.backend === 'webgpu' && gpuDeviceLost()) setImmediate(() => process.exit(1));
}

async function main(port: MessagePort, byName: Map<string, JobDefinition<unknown, unknown, unknown>>): Promise<void> {
  const post = (message: WorkerToHost) => port.postMessage(message);
  const cancels = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();
  const config = workerData as WorkerConfig;
  let engine: EngineInfo;
  try {
    engine = await initEngine(config.engine);
  } catch (error) {
    post({ type: 'startFailed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  port.on('message', (message: HostToWorker) => {
    if (message.type === 'cancel') {
      cancels.get(message.id)?.abort();
      return;
    }
    cancels.set(message.id, new AbortController());
    queue = queue.then(() => runJob(post, byName, cancels, engine, message.id, message.job, message.input));
  });
  post({ type: 'ready', info: engine });
}
