// The lock of a run folder: one process trains a run at a time. The lock file (`train.lock` in the
// run folder) holds the trainer's pid, host name and start time; it is created with O_EXCL, so of
// two processes racing for it exactly one wins. A lock whose pid is dead on this host is stale (the
// trainer was killed) and is taken over; a lock from another host cannot be checked and is honoured.
import { DomainError } from '../../contract/domain-error';
import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const LOCK_FILE = 'train.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export class RunLockedError extends DomainError {
  constructor(
    readonly runDir: string,
    readonly holder: LockHolder,
  ) {
    super({
      code: 'busy',
      file: join(runDir, LOCK_FILE),
      message:
        `run ${basename(runDir)} is being trained by process ${holder.pid} on ${holder.host} (since ${holder.startedAt}); ` +
        `stop that process first (if it is gone, delete ${join(runDir, LOCK_FILE)})`,
    });
  }
}

export interface RunLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

function isHolder(value: unknown): value is LockHolder {
  const v = value as Partial<LockHolder> | null;
  return typeof v === 'object' && v !== null && Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.startedAt === 'string';
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by another user). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLockText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value: unknown = JSON.parse(text);
    return isHolder(value) ? value : null;
  } catch {
    return null;
  }
}

/** A holder that no longer trains: a dead pid here, or a file too torn to name anyone. */
function isStale(holder: LockHolder | null): boolean {
  if (!holder) return true;
  return holder.host === hostname() && !pidAlive(holder.pid);
}

/** Who trains this run now, or null when nobody does (no lock, or a stale one). */
export async function liveLockHolder(runDir: string): Promise<LockHolder | null> {
  const text = await readLockText(join(runDir, LOCK_FILE));
  if (text === null) return null;
  const holder = parseHolder(text);
  return isStale(holder) ? null : holder;
}

/**
 * Takes the run's lock for this process, taking over a stale one; throws RunLockedError naming
 * the holder when another live process has it (this process too: one trainer per run).
 */
export async function lockRun(runDir: string, now = new Date()): Promise<RunLock> {
  const path = join(runDir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  // Each round either creates the lock, refuses, or removes one stale lock: a few rounds settle
  // any race (another taker wins and we then see its live lock).
  for (let round = 0; round < 5; round++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(holder));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { holder, release: () => releaseIfOurs(path, holder) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readLockText(path);
    if (text === null) continue;
    const current = parseHolder(text);
    if (!isStale(current)) throw new RunLockedError(runDir, current!);
    // Remove the stale lock only if it is still the same file content we judged stale.
    if ((await readLockText(path)) === text) await rm(path, { force: true });
  }
  const current = parseHolder((await readLockText(path)) ?? '');
  if (current) throw new RunLockedError(runDir, current);
  throw new Error(`${path}: cannot take the run lock (it keeps changing)`);
}

async function releaseIfOurs(path: string, holder: LockHolder): Promise<void> {
  const text = await readLockText(path);
  const current = text === null ? null : parseHolder(text);
  // Never remove a lock another process took over meanwhile.
  if (current && current.pid === holder.pid && current.host === holder.host && current.startedAt === holder.startedAt) await rm(path, { force: true });
}
