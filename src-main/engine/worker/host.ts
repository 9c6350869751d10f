// The main-thread side of the engine worker: starts the worker thread that owns TensorFlow.js,
// runs jobs in it and relays their events, so API calls stay responsive while it computes.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../../contract/domain-error';
import type { EngineInfo, EngineOptions } from '../backend/types';
import type { HostToWorker, JobDefinition, WorkerConfig, WorkerToHost } from './protocol';

interface Pending {
  resolve(output: unknown): void;
  reject(error: Error): void;
  onEvent?: (event: unknown) => void;
}

export interface RunOptions<E> {
  onEvent?: (event: E) => void;
  signal?: AbortSignal;
}

/**
 * How to start the worker. From sources (tsx, vitest) the entry is entry.ts, so a small eval'd
 * bootstrap registers tsx's loader in the new thread first (`--import` is not honoured in a
 * worker's execArgv on Node 20). A bundled app passes its built entry instead
 * (electron-vite: `import p from './entry?modulePath'`).
 */
export type WorkerEntry = { file: URL | string } | { bootstrap: string };

/**
 * The entry of a worker whose job list is the module `source` (a .ts file, from sources), or
 * `<bundled>.js` beside the main bundle in the built app (one electron-vite input per entry).
 */
export function workerEntry(source: URL, bundled: string): WorkerEntry {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    // Bundled: the entry sits beside the main bundle, and this module is either in it or in a
    // shared chunk one folder down (electron-vite puts code used by both entries in chunks/).
    const candidates = [new URL(`./${bundled}.js`, here), new URL(`../${bundled}.js`, here)];
    return { file: candidates.find((u) => existsSync(fileURLToPath(u))) ?? candidates[0]! };
  }
  const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  return { bootstrap: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); });` };
}

/** The engine's own worker: every job of jobs/index.ts. */
function defaultEntry(): WorkerEntry {
  const here = import.meta.url;
  return workerEntry(new URL('../jobs/entry.ts', here), 'entry');
}

export class EngineHost {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly info: EngineInfo,
  ) {
    worker.on('message', (m: WorkerToHost) => this.onMessage(m));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`engine worker exited (code ${code})`)));
  }

  /** Starts a worker and its engine; resolves once the backend is up. */
  static start(engine: EngineOptions = {}, entry: WorkerEntry = defaultEntry()): Promise<EngineHost> {
    const workerData: WorkerConfig = { engine };
    const worker = 'file' in entry ? new Worker(entry.file, { workerData }) : new Worker(entry.bootstrap, { eval: true, workerData });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`engine worker exited before it was ready (code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (m: WorkerToHost) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (m.type === 'ready') resolve(new EngineHost(worker, m.info));
        else {
          void worker.terminate();
          reject(new Error(m.type === 'startFailed' ? m.message : `engine worker sent ${m.type} before ready`));
        }
      });
    });
  }

  run<I, O, E>(job: JobDefinition<I, O, E> | string, input: I, options: RunOptions<E> = {}): Promise<O> {
    if (this.closed) return Promise.reject(new Error('the engine worker is closed'));
    const id = this.nextId++;
    const name = typeof job === 'string' ? job : job.name;
    return new Promise<O>((resolve, reject) => {
      const pending: Pending = { resolve: (o) => resolve(o as O), reject };
      if (options.onEvent) pending.onEvent = options.onEvent as (event: unknown) => void;
      this.pending.set(id, pending);
      options.signal?.addEventListener('abort', () => this.post({ type: 'cancel', id }), { once: true });
      this.post({ type: 'run', id, job: name, input });
    });
  }

  /** True once closed or once the worker thread has ended (it cannot run jobs any more). */
  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private post(message: HostToWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(m: WorkerToHost): void {
    if (m.type === 'ready' || m.type === 'startFailed') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'event') {
      p.onEvent?.(m.event);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.output);
    else {
      const error = m.domain ? new DomainError(m.domain) : new Error(m.message);
      if (m.stack) error.stack = m.stack;
      p.reject(error);
    }
  }

  private failAll(error: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
