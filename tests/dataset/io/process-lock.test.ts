// The shared process lock: a live holder refuses, a dead or unreadable one is taken over, and a
// holder only ever removes its own lock.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LockHeldError, liveHolder, takeLock } from '../../../src-main/dataset/io/process-lock';
import { tempDir } from '../../helpers/temp';

// Above Linux's pid_max default (4194304): never a live process.
const DEAD_PID = 4194305;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('facet-lock-'));
});
afterEach(() => cleanup());

it('refuses a second taker while held, names the holder, and leaves no temp files', async () => {
  const path = join(dir, 'x.lock');
  const lock = await takeLock(path);
  const refused = await takeLock(path).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(LockHeldError);
  expect((refused as LockHeldError).holder).toMatchObject({ pid: process.pid, host: hostname() });
  expect(await liveHolder(path)).toEqual(lock.holder);
  await lock.release();
  expect(await readdir(dir)).toEqual([]);
});

it.each([
  ['a dead pid', JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: '2026-01-01T00:00:00Z' })],
  ['a bare dead pid (older import locks)', String(DEAD_PID)],
  ['a file that names nobody', 'not a lock'],
])('takes over a lock held by %s', async (_what, text) => {
  const path = join(dir, 'x.lock');
  await writeFile(path, text);
  expect(await liveHolder(path)).toBeNull();
  const lock = await takeLock(path);
  expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(lock.holder);
  await lock.release();
});

it('honours a lock from another host and never removes a lock it does not hold', async () => {
  const path = join(dir, 'x.lock');
  const foreign = JSON.stringify({ pid: DEAD_PID, host: `not-${hostname()}`, startedAt: '2026-01-01T00:00:00Z' });
  await writeFile(path, foreign);
  await expect(takeLock(path)).rejects.toBeInstanceOf(LockHeldError);

  await writeFile(path, String(DEAD_PID));
  const mine = await takeLock(path);
  // Another process took it over (say this one was thought dead): releasing leaves theirs alone.
  await writeFile(path, foreign);
  await mine.release();
  expect(await readFile(path, 'utf8')).toBe(foreign);
});
