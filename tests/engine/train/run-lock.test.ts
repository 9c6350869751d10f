// The run-folder lock: a second process training the same run is refused (naming the run and the
// holder), a lock left by a dead process is taken over, and the API host's run manager reads a run
// locked by another process as `running` and refuses to resume it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunSummary } from '../../../src-main/contract/training';
import { RunManager, type JobRunner, type RunListener } from '../../../src-main/engine/train/manager';
import { RunBusyError } from '../../../src-main/engine/train/run-errors';
import { RunFolder } from '../../../src-main/engine/train/run-folder';
import { liveLockHolder, LOCK_FILE, lockRun, RunLockedError } from '../../../src-main/engine/train/run-lock';
import { tempDir } from '../../helpers/temp';

const lockModule = resolve('src-main/engine/train/run-lock.ts');

/** A real second process that takes the run's lock and holds it until its stdin closes. */
async function childHoldingLock(runDir: string): Promise<ChildProcess> {
  const script = `
    const { lockRun } = await import(${JSON.stringify(lockModule)});
    const lock = await lockRun(${JSON.stringify(runDir)});
    process.stdout.write('locked\\n');
    process.stdin.resume();
    process.stdin.on('end', async () => { await lock.release(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  expect(line).toBe('locked');
  return child;
}

async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin!.end();
  await exited;
}

/** The pid of a process that has exited (so no process has it, barring reuse in the meantime). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid!;
}

const config = runConfigSchema.parse({ model: 'unet', modelOptions: { widths: [4, 8] }, inputSize: 32, epochs: 2, data: { kind: 'project', dir: '.' } });

let project: string;
let cleanup: () => Promise<void>;
let children: ChildProcess[] = [];

beforeEach(async () => {
  ({ dir: project, cleanup } = await tempDir('facet-run-lock-'));
});

afterEach(async () => {
  for (const child of children) await endChild(child);
  children = [];
  await cleanup();
});

describe('run lock', () => {
  it('is created with this process, refused to a second taker, and released', async () => {
    const run = await RunFolder.create(project, config);
    const lock = await lockRun(run.dir);
    const onDisk = JSON.parse(await readFile(join(run.dir, LOCK_FILE), 'utf8')) as unknown;
    expect(onDisk).toEqual({ pid: process.pid, host: hostname(), startedAt: lock.holder.startedAt });
    await expect(lockRun(run.dir)).rejects.toBeInstanceOf(RunLockedError);
    await lock.release();
    expect(existsSync(join(run.dir, LOCK_FILE))).toBe(false);
    await (await lockRun(run.dir)).release();
  });

  it('refuses while another live process holds it, naming the run and the holder', async () => {
    const run = await RunFolder.create(project, config);
    const child = await childHoldingLock(run.dir);
    children.push(child);
    const refused = lockRun(run.dir);
    await expect(refused).rejects.toBeInstanceOf(RunLockedError);
    await expect(refused).rejects.toThrow(`run ${run.id} is being trained by process ${child.pid} on ${hostname()}`);
    expect(await liveLockHolder(run.dir)).toMatchObject({ pid: child.pid, host: hostname() });
    // Once that process lets go, this one can take it.
    await endChild(child);
    expect(await liveLockHolder(run.dir)).toBeNull();
    await (await lockRun(run.dir)).release();
  });

  it('takes over a stale lock left by a dead process on this host', async () => {
    const run = await RunFolder.create(project, config);
    const pid = await deadPid();
    await writeFile(join(run.dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    expect(await liveLockHolder(run.dir)).toBeNull();
    const lock = await lockRun(run.dir);
    expect(JSON.parse(await readFile(join(run.dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('honours a lock from another host (its pid cannot be checked from here)', async () => {
    const run = await RunFolder.create(project, config);
    const pid = await deadPid();
    await writeFile(join(run.dir, LOCK_FILE), JSON.stringify({ pid, host: `${hostname()}-elsewhere`, startedAt: '2026-01-01T00:00:00.000Z' }));
    await expect(lockRun(run.dir)).rejects.toThrow(`on ${hostname()}-elsewhere`);
  });
});

describe('run manager and locks held by other processes', () => {
  const quiet: RunListener = { onBatch: () => undefined, onEpoch: () => undefined, onStatus: () => undefined, onLog: () => undefined };

  /** A runner that trains nothing: what the manager does around a job, without the engine. */
  function fakeRunner(calls: string[]): JobRunner {
    return async (input) => {
      calls.push(input.runDir);
      return {} as RunSummary;
    };
  }

  async function stoppedRun(): Promise<RunFolder> {
    const run = await RunFolder.create(project, config);
    const now = new Date().toISOString();
    // What a killed trainer leaves: a status that still says running.
    await run.writeSummary({ id: run.id, dir: run.dir, status: 'running', model: 'unet', inputSize: 32, epochsPlanned: 2, epochsDone: 1, best: null, createdAt: now, updatedAt: now, seconds: 1, backend: 'cpu', error: null });
    return run;
  }

  it('lists a run trained by another process as running and refuses to resume it', async () => {
    const run = await stoppedRun();
    const calls: string[] = [];
    const manager = new RunManager(fakeRunner(calls));
    expect((await manager.list(project))[0]).toMatchObject({ id: run.id, status: 'stopped' });

    const child = await childHoldingLock(run.dir);
    children.push(child);
    expect((await manager.list(project))[0]).toMatchObject({ id: run.id, status: 'running' });
    expect((await manager.detail(project, run.id)).summary.status).toBe('running');
    const refused = manager.resume(project, run.id, quiet);
    await expect(refused).rejects.toBeInstanceOf(RunBusyError);
    await expect(refused).rejects.toThrow(`process ${child.pid}`);
    await expect(manager.stop(project, run.id)).rejects.toThrow(`being trained by process ${child.pid}`);
    expect(calls).toEqual([]);

    await endChild(child);
    expect((await manager.list(project))[0]).toMatchObject({ id: run.id, status: 'stopped' });
    await manager.resume(project, run.id, quiet);
    await manager.settled(run.id);
    expect(calls).toEqual([run.dir]);
    // The manager let go of the lock when the job ended.
    expect(existsSync(join(run.dir, LOCK_FILE))).toBe(false);
  });

  it('holds the lock while its own job trains, so another process is refused', async () => {
    const run = await stoppedRun();
    let finish!: () => void;
    const manager = new RunManager(async () => {
      await new Promise<void>((r) => (finish = r));
      return {} as RunSummary;
    });
    await manager.resume(project, run.id, quiet);
    expect(await liveLockHolder(run.dir)).toMatchObject({ pid: process.pid });
    await expect(lockRun(run.dir)).rejects.toBeInstanceOf(RunLockedError);
    finish();
    await manager.settled(run.id);
    expect(await liveLockHolder(run.dir)).toBeNull();
  });

  it('takes over a stale lock on resume', async () => {
    const run = await stoppedRun();
    await writeFile(join(run.dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    const calls: string[] = [];
    const manager = new RunManager(fakeRunner(calls));
    expect((await manager.list(project))[0]!.status).toBe('stopped');
    await manager.resume(project, run.id, quiet);
    await manager.settled(run.id);
    expect(calls).toEqual([run.dir]);
  });
});
