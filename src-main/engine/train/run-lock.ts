// The lock of a run folder: one process trains a run at a time. The lock file (`train.lock` in the
// run folder) names the trainer (dataset/io/process-lock.ts: pid, host, start time; a dead
// trainer's lock is taken over).
import { DomainError } from '../../contract/domain-error';
import { basename, join } from 'node:path';
import { LockHeldError, liveHolder, takeLock, type HeldLock, type LockHolder } from '../../dataset/io/process-lock';

export const LOCK_FILE = 'train.lock';

export type { LockHolder };
export type RunLock = HeldLock;

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

/** Who trains this run now, or null when nobody does (no lock, or a stale one). */
export function liveLockHolder(runDir: string): Promise<LockHolder | null> {
  return liveHolder(join(runDir, LOCK_FILE));
}

/**
 * Takes the run's lock for this process, taking over a stale one; throws RunLockedError naming
 * the holder when another live process has it (this process too: one trainer per run).
 */
export async function lockRun(runDir: string, now = new Date()): Promise<RunLock> {
  try {
    return await takeLock(join(runDir, LOCK_FILE), now);
  } catch (error) {
    if (error instanceof LockHeldError) throw new RunLockedError(runDir, error.holder);
    throw error;
  }
}
