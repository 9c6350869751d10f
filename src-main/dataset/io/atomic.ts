// Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder. A crash or
// kill at any moment leaves either the old file or the new one, never a torn one.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable. Some platforms (Windows) cannot open a folder: skip there.
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    /* not supported on this platform */
  } finally {
    await handle?.close();
  }
}

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * `syncDir: false` skips the folder fsync, for a file that is renamed again (the final folder is
 * synced after that rename, see syncDirSync).
 */
export async function writeFileAtomic(path: string, data: Uint8Array, options: { syncDir?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = tempName(path);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (options.syncDir !== false) await syncDir(dir);
}

/** Synchronous folder fsync, for use inside a (synchronous) database transaction. */
export function syncDirSync(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported on this platform */
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * For caches (thumbnails): never torn (temp + rename) but not fsynced, since losing one after a
 * power cut only means making it again.
 */
export async function writeFileReplace(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempName(path);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const TEMP = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files left by writers that were killed mid-write (their pid is gone), in `dir`
 * and its subfolders. A live writer's temp files are left alone. Returns how many were removed.
 */
export async function sweepStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    const match = e.isFile() ? TEMP.exec(e.name) : null;
    if (!match || alive(Number(match[1]))) continue;
    await rm(join(e.parentPath, e.name), { force: true });
    removed++;
  }
  return removed;
}
