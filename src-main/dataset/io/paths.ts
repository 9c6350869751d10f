// Whether one folder lies inside another, judged on real paths: `OUT` given as a symlink into
// `IN` (or through a symlinked parent) is inside `IN` however the two are spelled. The one check
// the batch's folder test and the photo walk share.
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The real path of `path`: symlinks resolved. For a path that does not exist yet (an output
 * folder to be created), the nearest existing ancestor is resolved and the rest appended.
 */
export async function realPathOf(path: string, depth = 0): Promise<string> {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let p = absolute; ; p = dirname(p)) {
    try {
      return join(await realpath(p), ...rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Only a missing part is skipped over; a loop or a permission problem is reported as is.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(p) === p) throw error;
      // A dangling symlink is where its target will be created: follow it (as the OS would).
      const link = await lstat(p).catch(() => null);
      if (link?.isSymbolicLink()) {
        if (depth >= 40) throw Object.assign(new Error(`ELOOP: too many symbolic links, realpath '${absolute}'`), { code: 'ELOOP', syscall: 'realpath', path: absolute });
        return realPathOf(join(resolve(dirname(p), await readlink(p)), ...rest), depth + 1);
      }
      rest.unshift(basename(p));
    }
  }
}

/** Text test on two absolute, already real paths: `child` is `parent` or below it. */
export function isInsidePath(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/** `child` is `parent` or below it, symlinks resolved on both sides. */
export async function isInside(child: string, parent: string): Promise<boolean> {
  return isInsidePath(await realPathOf(child), await realPathOf(parent));
}
