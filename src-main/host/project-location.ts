import { resolve } from 'node:path';

/** The project a host opens when none is named: `FACET_PROJECT`, else `./facet-project`. */
export function defaultProjectDir(): string {
  return resolve(process.env['FACET_PROJECT'] ?? 'facet-project');
}
