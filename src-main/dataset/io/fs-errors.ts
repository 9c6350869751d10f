// Node's file-system errors in words: "cannot write /x/summary.csv: the disk is full" rather than
// "ENOSPC: no space left on device, write". Names the file the user knows (an atomic write's temp
// file `.summary.csv.123.ab12.tmp` is named as summary.csv) and what went wrong with it. Low in the
// stack, with no imports from the studio, so the dataset, segment and the CLI can all use it.
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface NodeFsError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

export function isFsError(error: unknown): error is NodeFsError {
  return error instanceof Error && typeof (error as Partial<NodeFsError>).code === 'string' && /^E[A-Z]+$/.test((error as NodeFsError).code);
}

/** Codes after which no further write to the same disk can succeed: a batch stops on them. */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

export function isDiskFailure(error: unknown): boolean {
  return isFsError(error) && DISK_CODES.has(error.code);
}

/** The atomic writer's temp file `.NAME.PID.HEX.tmp` stands for NAME in the same folder. */
function userPath(path: string): string {
  const match = /^\.(.+)\.\d+\.[0-9a-f]+\.tmp$/.exec(basename(path));
  return match ? join(dirname(path), match[1]!) : path;
}

const READ_CALLS = new Set(['open', 'read', 'readdir', 'stat', 'lstat', 'scandir', 'access', 'realpath', 'opendir']);

function verbOf(error: NodeFsError): string {
  switch (error.syscall) {
    case 'mkdir':
      return 'cannot create the folder';
    case 'rename':
    case 'write':
    case 'fsync':
    case 'close':
    case 'copyfile':
    case 'link':
    case 'symlink':
    case 'unlink':
    case 'rmdir':
    case 'rm':
      return 'cannot write';
    default:
      // open() with a write flag fails as "open" too: callers that write pass `writing`.
      return READ_CALLS.has(error.syscall ?? '') ? 'cannot read' : 'cannot write';
  }
}

/** The nearest folder above `path` that exists, or null. */
function nearestExisting(path: string): string | null {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      statSync(dir);
      return dir;
    } catch {
      if (dirname(dir) === dir) return null;
    }
  }
}

/** The first part of `path` (from the root) that exists and is not a folder. */
function fileInTheWay(path: string): string | null {
  const parts: string[] = [];
  for (let p = path; dirname(p) !== p; p = dirname(p)) parts.unshift(p);
  for (const part of parts) {
    try {
      if (!statSync(part).isDirectory()) return part;
    } catch {
      return null;
    }
  }
  return null;
}

/** Whether the nearest existing folder above `path` sits on a read-only file system. */
function onReadOnlyFs(path: string): boolean {
  const dir = nearestExisting(path);
  if (!dir) return false;
  try {
    accessSync(dir, constants.W_OK);
    return false;
  } catch (error) {
    return isFsError(error) && error.code === 'EROFS';
  }
}

function whatHappened(error: NodeFsError, path: string, writing: boolean): string {
  switch (error.code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EIO':
      return 'the disk reported an input/output error';
    case 'EEXIST':
      return error.syscall === 'mkdir' || writing ? `${path} is a file, not a folder` : 'it already exists';
    case 'ENOTDIR': {
      const file = fileInTheWay(path);
      return file ? `${file} is a file, not a folder` : 'a part of the path is a file, not a folder';
    }
    case 'EISDIR':
      return `${path} is a folder, not a file`;
    case 'ENOENT':
      // A missing folder on a read-only disk is the read-only disk's doing.
      if (writing && onReadOnlyFs(path)) return 'the file system is read-only';
      return writing ? 'its folder does not exist' : 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      if (writing && onReadOnlyFs(path)) return 'the file system is read-only';
      return 'permission denied';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'the path has a symlink loop';
    case 'EBUSY':
      return 'the file is busy (in use by another program)';
    default:
      return error.message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  }
}

export interface DescribeOptions {
  /** The file the caller was working on, when the error does not name one. */
  path?: string;
  /** The caller was writing (for syscalls that read and write alike, such as open). */
  writing?: boolean;
}

/** One sentence naming the file and what happened; null when `error` is not a file-system error. */
export function describeFsError(error: unknown, options: DescribeOptions = {}): string | null {
  if (error instanceof FsProblem) return error.message;
  if (!isFsError(error)) return null;
  const raw = error.path ?? options.path;
  // A full or read-only disk only ever stops a write, whatever call noticed it.
  const writing = options.writing ?? (DISK_CODES.has(error.code) || verbOf(error) !== 'cannot read');
  const verb = writing && verbOf(error) === 'cannot read' ? 'cannot write' : verbOf(error);
  if (raw === undefined) return `${verb}: ${whatHappened(error, '', writing)}`;
  const path = userPath(raw);
  return `${verb} ${path}: ${whatHappened(error, path, writing)}`;
}

/** A file-system error already put in words; keeps the code (for isDiskFailure) and the original. */
export class FsProblem extends Error {
  constructor(
    message: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** An Error whose message is in words (the original kept as `cause`); other errors unchanged. */
export function explainFsError(error: unknown, options: DescribeOptions = {}): Error {
  if (error instanceof FsProblem || !isFsError(error)) return error instanceof Error ? error : new Error(String(error));
  return new FsProblem(describeFsError(error, options)!, error.code, error);
}
