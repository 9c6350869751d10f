// Every name and path a project's database holds is untrusted: a project folder may come from
// someone else, and its facet.db can say anything. This is the one place where the store's rows
// become file paths; each check happens before any file is opened or written, and a row that
// fails is refused with what is wrong, naming the image.
import { realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, normalize, relative } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import { IMAGE_EXTENSIONS } from '../io/image';

/** Why `name` cannot be an image name (it becomes a file name on export), or null when it can. */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (/[/\\]/.test(name)) return 'contains a path separator (/ or \\)';
  if (name.startsWith('.')) return 'starts with a dot (hidden file, or . / ..)';
  // Control characters (NUL above all) are never part of a photo's name and break file APIs.
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character';
  return null;
}

function refused(what: string, file: string, problem: string): DomainError {
  return new DomainError({ code: 'bad_file', file, message: `${what}: ${problem}; refused (the project's facet.db is not as an import writes it)` });
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realish(path: string): string {
  let head = path;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return path;
      tail.push(head.slice(up.length).replace(/^[/\\]+/, ''));
      head = up;
    }
  }
}

function contains(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The absolute path of `rel` inside the project `root`: relative, no `..`, and (following any
 * symlink already on disk: a planted `images -> /somewhere` link) still inside the project.
 */
export function insideProject(root: string, rel: string, what: string): string {
  if (rel.length === 0 || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) throw refused(what, rel, `path "${rel}" is not relative to the project folder`);
  const parts = rel.split(/[/\\]+/);
  if (parts.some((p) => p === '..' || p === '.' || p === '') || rel.includes('\0')) throw refused(what, rel, `path "${rel}" leaves the project folder or is not normalised`);
  const path = join(root, ...parts);
  if (!contains(realish(root), realish(path))) throw refused(what, path, `${path} resolves outside the project folder ${root}`);
  return path;
}

function imageExtension(file: string): string | null {
  const ext = extname(file).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext) ? ext : null;
}

/** Refuses anything but a regular file (a device like /dev/zero, a folder, a FIFO) that exists. */
function regularOrMissing(what: string, path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw refused(what, path, `${path} is not a regular file`);
}

export interface ImageRowPaths {
  id: number;
  name: string;
  file: string;
  linked: number;
}

/**
 * The photo file of an image row. A copied photo must be `images/<name><image extension>` inside
 * the project; a linked one an absolute, normalised path to `<name><image extension>` directly
 * inside a folder that a link-mode import recorded as its source.
 */
export function imageFilePath(root: string, row: ImageRowPaths, linkSources: () => ReadonlySet<string>): string {
  const what = `image ${row.id} ("${row.name}")`;
  const nameProblem = unsafeNameReason(row.name);
  if (nameProblem) throw refused(what, row.file, `its name ${nameProblem}`);
  if (row.linked === 0) {
    if (row.file.split(/[/\\]+/).length !== 2 || !/^images[/\\]/.test(row.file)) throw refused(what, row.file, `file "${row.file}" is not directly in the project's images/ folder`);
  } else if (row.linked === 1) {
    if (!isAbsolute(row.file) || normalize(row.file) !== row.file) throw refused(what, row.file, `linked file "${row.file}" is not an absolute, normalised path`);
    if (!linkSources().has(dirname(row.file))) throw refused(what, row.file, `linked file ${row.file} is not in a folder that an import into this project linked from`);
  } else {
    throw refused(what, row.file, `linked is ${row.linked}, expected 0 or 1`);
  }
  const ext = imageExtension(row.file);
  if (!ext) throw refused(what, row.file, `file "${row.file}" does not have an image extension (${IMAGE_EXTENSIONS.join(', ')})`);
  const leaf = row.file.split(/[/\\]/).at(-1)!;
  if (leaf.slice(0, leaf.length - ext.length) !== row.name) throw refused(what, row.file, `file "${row.file}" is not named after the image`);
  const path = row.linked === 0 ? insideProject(root, row.file, what) : row.file;
  regularOrMissing(what, path);
  return path;
}

/** The file of a mask revision: `masks/<image id>/r<revision>-<8 hex>.png` inside the project. */
export function maskFilePath(root: string, rev: { image_id: number; revision: number; file: string }): string {
  const what = `mask revision ${rev.revision} of image ${rev.image_id}`;
  const parts = rev.file.split(/[/\\]/);
  if (parts.length !== 3 || parts[0] !== 'masks' || parts[1] !== String(rev.image_id) || !new RegExp(`^r${rev.revision}-[0-9a-f]{8}\\.png$`).test(parts[2]!)) {
    throw refused(what, rev.file, `file "${rev.file}" is not masks/${rev.image_id}/r${rev.revision}-<random>.png`);
  }
  const path = insideProject(root, rev.file, what);
  regularOrMissing(what, path);
  return path;
}

