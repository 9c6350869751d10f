// The engine worker thread: owns TensorFlow.js, starts the backend once, then runs jobs one at a
// time in arrival order (a backend is not re-entrant), posting their events and results.
import { parentPort, workerData } from 'node:worker_threads';
import { initEngine } from '../backend/index';
import { gpuDeviceLost } from '../backend/gpu-health';
import type { EngineInfo } from '../backend/types';
import { jobs } from './jobs/index';
import type { HostToWorker, JobContext, JobDefinition, WorkerConfig, WorkerToHost } from './protocol';

const port = parentPort;
if (port === null) throw new Error('engine/worker/entry.ts must run in a worker thread');

const byName = new Map<string, JobDefinition<unknown, unknown, unknown>>(
  jobs.map((j) => [j.name, j as unknown as JobDefinition<unknown, unknown, unknown>]),
);
const post = (message: WorkerToHost) => port.postMessage(message);
const cancels = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

async function runJob(engine: EngineInfo, id: number, name: string, input: unknown): Promise<void> {
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
    post({ type: 'error', id, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) });
  } finally {
    cancels.delete(id);
  }
  // A lost GPU device cannot compute again in this thread: end it once the job has answered,
  // so the host (worker/service.ts) starts a fresh engine, with a new device, for the next job.
  // (In a worker thread process.exit ends only the thread; the answer above is already posted.)
  if (engine.backend === 'webgpu' && gpuDeviceLost()) setImmediate(() => process.exit(1));
}

async function main(): Promise<void> {
  const config = workerData as WorkerConfig;
  let engine: EngineInfo;
  try {
    engine = await initEngine(config.engine);
  } catch (error) {
    post({ type: 'startFailed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  port!.on('message', (message: HostToWorker) => {
    if (message.type === 'cancel') {
      cancels.get(message.id)?.abort();
      return;
    }
    cancels.set(message.id, new AbortController());
    queue = queue.then(() => runJob(engine, message.id, message.job, message.input));
  });
  post({ type: 'ready', info: engine });
}

void main();
