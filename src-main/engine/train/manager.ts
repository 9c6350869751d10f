// The runs of this host: at most one training at a time (the engine owns both cores), started
// and stopped by id, with their events forwarded to whoever listens. Runs on disk that say
// `running` but have no live job here were interrupted (the host died): they read as `stopped`
// and can be resumed — unless another process holds the run's lock (a `facet train` beside this
// host): then the run reads as `running` and cannot be resumed here.
import type { RunBatchEvent, RunConfig, RunDetail, RunEpochEvent, RunSummary } from '../../contract/training';
import { runTrainJob, type TrainJobMessage } from './run-job';
import { runsDirOf } from '../infer/model-folder';
import { createRun } from './new-run';
import { RunBusyError, RunNotFoundError } from './run-errors';
import { listRunFolders, RunFolder } from './run-folder';
import { liveLockHolder, lockRun, RunLockedError, type RunLock } from './run-lock';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';

export interface RunListener {
  onBatch(event: RunBatchEvent): void;
  onEpoch(event: RunEpochEvent): void;
  onStatus(runId: string, summary: RunSummary): void;
  onLog(runId: string, message: string): void;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
  summary: RunSummary;
}

/** Runs a job and reports its messages; the default runs in-process (a worker host can replace it). */
export type JobRunner = typeof runTrainJob;

export class RunManager {
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly runner: JobRunner = runTrainJob) {}

  runDir(projectDir: string, id: string): RunFolder {
    const dir = join(runsDirOf(projectDir), id);
    if (!RunFolder.isRun(dir)) throw new RunNotFoundError(`no run "${id}" in ${runsDirOf(projectDir)}`);
    return new RunFolder(dir);
  }

  private busy(): void {
    const [id] = this.active.keys();
    if (id !== undefined) throw new RunBusyError(`run ${id} is training; stop it first (one run at a time)`);
  }

  private placeholder(run: RunFolder, config: RunConfig): RunSummary {
    const now = new Date().toISOString();
    return { id: run.id, dir: run.dir, status: 'running', model: config.model, inputSize: config.inputSize, epochsPlanned: config.epochs, epochsDone: 0, best: null, createdAt: now, updatedAt: now, seconds: 0, backend: '', error: null };
  }

  /** The run's lock for this host, or RunBusyError naming the process that trains it. */
  private async lock(run: RunFolder): Promise<RunLock> {
    try {
      return await lockRun(run.dir);
    } catch (error) {
      if (error instanceof RunLockedError) throw new RunBusyError(error.message);
      throw error;
    }
  }

  private launch(run: RunFolder, lock: RunLock, summary: RunSummary, resume: boolean, listener: RunListener, epochs?: number): RunSummary {
    const controller = new AbortController();
    const entry: ActiveRun = { controller, summary, done: Promise.resolve() };
    const send = (m: TrainJobMessage): void => {
      if (m.type === 'batch') listener.onBatch(m.event);
      else if (m.type === 'epoch') listener.onEpoch(m.event);
      else if (m.type === 'log') listener.onLog(run.id, m.message);
      else {
        entry.summary = m.summary;
        listener.onStatus(run.id, m.summary);
      }
    };
    entry.done = this.runner({ runDir: run.dir, resume, ...(epochs !== undefined ? { epochs } : {}) }, send, controller.signal)
      .then(() => undefined)
      .catch((error: unknown) => listener.onLog(run.id, `run failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(async () => {
        this.active.delete(run.id);
        await lock.release().catch((error: unknown) => listener.onLog(run.id, `cannot release the run lock: ${error instanceof Error ? error.message : String(error)}`));
      });
    this.active.set(run.id, entry);
    return { ...summary };
  }

  async start(projectDir: string, config: RunConfig, listener: RunListener): Promise<RunSummary> {
    this.busy();
    const run = await createRun(projectDir, config);
    let lock: RunLock;
    try {
      lock = await this.lock(run);
    } catch (error) {
      // A start that fails leaves no run folder behind.
      await rm(run.dir, { recursive: true, force: true });
      throw error;
    }
    return this.launch(run, lock, this.placeholder(run, config), false, listener);
  }

  async resume(projectDir: string, id: string, listener: RunListener, epochs?: number): Promise<RunSummary> {
    this.busy();
    const run = this.runDir(projectDir, id);
    const lock = await this.lock(run);
    try {
      const summary = (await run.readSummary()) ?? this.placeholder(run, await run.readConfig());
      return this.launch(run, lock, { ...summary, status: 'running', error: null }, existsSync(run.lastDir), listener, epochs);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async stop(projectDir: string, id: string): Promise<RunSummary> {
    const entry = this.active.get(id);
    if (!entry) {
      const run = this.runDir(projectDir, id);
      // Another process trains it: only that process can stop it.
      const holder = await liveLockHolder(run.dir);
      if (holder) throw new RunBusyError(`run ${id} is being trained by process ${holder.pid} on ${holder.host}, not here; stop it there`);
      return this.summary(run);
    }
    entry.controller.abort();
    entry.summary = { ...entry.summary, status: 'stopping' };
    return { ...entry.summary };
  }

  /** Waits until the run (if live) has ended. */
  async settled(id: string): Promise<void> {
    await this.active.get(id)?.done;
  }

  activeRunId(): string | null {
    const [id] = this.active.keys();
    return id ?? null;
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  async summary(run: RunFolder): Promise<RunSummary> {
    const live = this.active.get(run.id);
    if (live) return { ...live.summary };
    const onDisk = (await run.readSummary()) ?? this.placeholder(run, await run.readConfig());
    // Trained by another process right now, whatever its last written status says.
    if (await liveLockHolder(run.dir)) return { ...onDisk, status: onDisk.status === 'stopping' ? 'stopping' : 'running' };
    if (onDisk.status === 'running' || onDisk.status === 'stopping') return { ...onDisk, status: 'stopped' };
    return onDisk;
  }

  async list(projectDir: string): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    for (const run of await listRunFolders(projectDir)) {
      try {
        out.push(await this.summary(run));
      } catch {
        // A run folder too broken to read is left out of the list rather than failing it.
      }
    }
    return out;
  }

  async detail(projectDir: string, id: string): Promise<RunDetail> {
    const run = this.runDir(projectDir, id);
    return { summary: await this.summary(run), config: await run.readConfig(), history: await run.readHistory(), eval: await run.readEval() };
  }
}
