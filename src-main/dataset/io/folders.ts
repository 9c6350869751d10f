// Creating folders the user names (a project, an export). Node's mkdirSync(…, {recursive: true})
// never returns on some kernel file systems (/proc/self/x loops forever), so folders are made one
// level at a time from the nearest existing ancestor, and virtual file systems are refused first.
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DomainError } from '../../contract/domain-error';

/** Kernel file systems that hold no user files (Linux): a project or export there makes no sense. */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

function underVirtualRoot(path: string): string | null {
  if (process.platform === 'win32') return null;
  return VIRTUAL_ROOTS.find((r) => path === r || path.startsWith(`${r}/`)) ?? null;
}

/** ENOENT and ENOTDIR (a parent is a file) both mean "not there": the walk finds what is. */
function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new DomainError({ code: 'bad_file', file: path, message: `${path}: cannot be examined (${code ?? String(error)})` });
  }
}

/** Makes `dir` (and missing parents) as a folder; a clear `bad_file` error otherwise. */
export function makeFolder(dir: string, what = 'folder'): string {
  const target = resolve(dir);
  const missing: string[] = [];
  let head = target;
  for (;;) {
    const st = statOrNull(head);
    if (st) {
      if (!st.isDirectory()) throw new DomainError({ code: 'bad_file', file: head, message: `${head}: exists and is not a folder, so the ${what} ${target} cannot be made there` });
      break;
    }
    const up = dirname(head);
    if (up === head) break;
    missing.push(head.slice(up.length).replace(/^[/\\]+/, ''));
    head = up;
  }
  let real = head;
  try {
    real = realpathSync(head);
  } catch {
    /* an unreadable ancestor: mkdir below says so */
  }
  const virtual = underVirtualRoot(target) ?? underVirtualRoot(real);
  if (virtual) {
    throw new DomainError({ code: 'bad_file', file: target, message: `${target}: is inside ${virtual}, a virtual file system of the kernel, not a place for a ${what}; choose a normal folder` });
  }
  let path = head;
  for (const part of missing.reverse()) {
    path = join(path, part);
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statOrNull(path)?.isDirectory()) continue;
      throw new DomainError({ code: 'bad_file', file: path, message: `${path}: cannot create the ${what} folder (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    }
  }
  return target;
}
