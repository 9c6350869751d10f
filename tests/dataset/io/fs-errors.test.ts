// File-system errors in words: real EEXIST/ENOTDIR/EISDIR/ENOENT from the OS, and the disk
// failures (ENOSPC, EROFS) that cannot be caused here, as the errors Node raises for them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFsError, explainFsError, FsProblem, isDiskFailure } from '../../../src-main/dataset/io/fs-errors';
import { writeFileAtomic } from '../../../src-main/dataset/io/atomic';
import { tempDir } from '../../helpers/temp';

/** The error Node raises for a failed call, as fs builds it. */
function nodeError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: failed, ${syscall}${path ? ` '${path}'` : ''}`);
  error.code = code;
  error.syscall = syscall;
  if (path) error.path = path;
  return error;
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('file-system errors in words', () => {
  let root: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-fs-errors-'));
    await writeFile(join(root, 'a-file'), 'x');
  });
  afterAll(async () => cleanup?.());

  it('a folder that is a file (EEXIST from mkdir)', async () => {
    const error = await failure(() => mkdir(join(root, 'a-file'), { recursive: true }));
    expect((error as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(describeFsError(error)).toBe(`cannot create the folder ${join(root, 'a-file')}: ${join(root, 'a-file')} is a file, not a folder`);
  });

  it('a file in the way of a path (ENOTDIR), naming the file', async () => {
    const error = await failure(() => writeFileAtomic(join(root, 'a-file', 'sub', 'x.png'), new Uint8Array(1)));
    expect(['ENOTDIR', 'EEXIST']).toContain((error as NodeJS.ErrnoException).code);
    expect(describeFsError(error)).toMatch(new RegExp(`^cannot (create the folder|write) .*: ${join(root, 'a-file')} is a file, not a folder$`));
  });

  it('a folder where a file should be (EISDIR) and a missing file (ENOENT)', async () => {
    await mkdir(join(root, 'dir'), { recursive: true });
    const isDir = await failure(() => writeFile(join(root, 'dir'), 'x'));
    expect(describeFsError(isDir, { writing: true })).toBe(`cannot write ${join(root, 'dir')}: ${join(root, 'dir')} is a folder, not a file`);
    const missing = await failure(async () => (await import('node:fs/promises')).readFile(join(root, 'nope')));
    expect(describeFsError(missing)).toBe(`cannot read ${join(root, 'nope')}: no such file or folder`);
  });

  it('a full disk and a read-only disk, naming the file behind an atomic temp name', () => {
    expect(describeFsError(nodeError('ENOSPC', 'write', '/x/.summary.csv.3781.a1b2c3d4.tmp'))).toBe('cannot write /x/summary.csv: the disk is full');
    expect(describeFsError(nodeError('EROFS', 'open', '/x/.summary.csv.3781.a1b2c3d4.tmp'))).toBe('cannot write /x/summary.csv: the file system is read-only');
    // ENOSPC from write() names no file: the caller's path is used.
    expect(describeFsError(nodeError('ENOSPC', 'write'), { path: '/x/a.png' })).toBe('cannot write /x/a.png: the disk is full');
    expect(describeFsError(nodeError('ENOSPC', 'write'))).toBe('cannot write: the disk is full');
    expect(isDiskFailure(nodeError('ENOSPC', 'write'))).toBe(true);
    expect(isDiskFailure(nodeError('EROFS', 'open'))).toBe(true);
    expect(isDiskFailure(nodeError('ENOENT', 'open'))).toBe(false);
  });

  it('keeps the words, the code and the original once explained; leaves other errors alone', () => {
    const original = nodeError('ENOSPC', 'write', '/x/a.png');
    const explained = explainFsError(original);
    expect(explained).toBeInstanceOf(FsProblem);
    expect(explained.message).toBe('cannot write /x/a.png: the disk is full');
    expect(explained.cause).toBe(original);
    expect(isDiskFailure(explained)).toBe(true);
    expect(explainFsError(explained)).toBe(explained);
    expect(describeFsError(explained)).toBe(explained.message);
    const plain = new Error('model broke');
    expect(explainFsError(plain)).toBe(plain);
    expect(describeFsError(plain)).toBeNull();
  });
});
