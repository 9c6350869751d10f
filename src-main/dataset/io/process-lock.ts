// A lock file that one process holds at a time (an import into a project, the training of a run):
// it names the holder's pid, host and start time. It is written whole under a temporary name and
// then hard-linked into place, so it never exists half-written (a reader never mistakes a lock
// being created for a torn, stale one) and link() fails atomically when another process holds it.
// A lock whose pid is dead on this host is stale (its holder was killed) and is taken over; a lock
// from another host cannot be checked and is honoured.
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    super(`${path} is held by process ${holder.pid} on ${holder.host} (since ${holder.startedAt})`);
  }
}

export interface HeldLock {
  readonly holder: LockHolder;
  /** Removes the lock if it is still this holder's (never one another process took over). */
  release(): Promise<void>;
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

/** The holder a lock file names; a bare pid (older import locks) is a holder on this host. */
function parseHolder(text: string): LockHolder | null {
  if (/^\d+$/.test(text.trim())) return { pid: Number(text.trim()), host: hostname(), startedAt: 'unknown' };
  try {
    const v = JSON.parse(text) as Partial<LockHolder> | null;
    if (typeof v === 'object' && v !== null && Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return { pid: v.pid!, host: v.host, startedAt: v.startedAt };
    }
  } catch {
    // Not JSON: a file nobody holds in this format.
  }
  return null;
}

/** A holder that no longer runs: a dead pid here, or a file that names nobody. */
function isStale(holder: LockHolder | null): boolean {
  if (!holder) return true;
  return holder.host === hostname() && !pidAlive(holder.pid);
}

/** Who holds the lock now, or null when nobody does (no lock file, or a stale one). */
export async function liveHolder(path: string): Promise<LockHolder | null> {
  const text = await readLockText(path);
  if (text === null) return null;
  const holder = parseHolder(text);
  return isStale(holder) ? null : holder;
}

/**
 * Takes the lock at `path` for this process, taking over a stale one; throws LockHeldError naming
 * the holder when another live process has it (this process too: the lock is not re-entrant).
 */
export async function takeLock(path: string, now = new Date()): Promise<HeldLock> {
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  const text = JSON.stringify(holder);
  // Each round either takes the lock, refuses, or removes one stale lock: a few rounds settle any
  // race (another taker wins and we then see its live lock).
  for (let round = 0; round < 5; round++) {
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text, { flush: true });
      await link(temp, path);
      return { holder, release: () => releaseIfOurs(path, text) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(temp, { force: true });
    }
    const seen = await readLockText(path);
    if (seen === null) continue;
    const current = parseHolder(seen);
    if (!isStale(current)) throw new LockHeldError(path, current!);
    // Removed only while it is still the file judged stale; a taker that won meanwhile keeps its lock
    // (a window of one read between the check and the removal remains).
    if ((await readLockText(path)) === seen) await rm(path, { force: true });
  }
  const current = parseHolder((await readLockText(path)) ?? '');
  if (current && !isStale(current)) throw new LockHeldError(path, current);
  throw new Error(`${path}: cannot take the lock (it keeps changing)`);
}

async function releaseIfOurs(path: string, text: string): Promise<void> {
  if ((await readLockText(path)) === text) await rm(path, { force: true });
}
