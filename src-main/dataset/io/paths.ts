// Whether one path lies inside another, compared as resolved paths segment by segment (so
// `/a/bc` is not inside `/a/b`): the one containment test of the studio.
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** True when `child` is `parent` or lies below it. */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
