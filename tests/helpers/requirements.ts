// Tests that need the real data set or Debian's Chromium are skipped with a printed reason on a
// machine without them, and fail instead when FACET_REQUIRE_ALL=1 (set by .ci/run), so CI always
// runs them all.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const requireAll = process.env['FACET_REQUIRE_ALL'] === '1';

/** `FACET_DATA`, else `../shared/data` beside the checkout. */
export function dataRoot(): string {
  return resolve(process.env['FACET_DATA'] ?? resolve(repoRoot, '../shared/data'));
}

export function celebaDir(): string {
  return resolve(dataRoot(), 'celebamask-hq-800');
}

export function chromiumPath(): string {
  return process.env['FACET_CHROMIUM'] ?? '/usr/bin/chromium';
}

export interface Requirement {
  name: string;
  met: boolean;
  reason: string;
}

export const needsData: () => Requirement = () => {
  const dir = celebaDir();
  const met = existsSync(resolve(dir, 'images')) && existsSync(resolve(dir, 'masks'));
  return { name: 'data', met, reason: `real data not found at ${dir} (set FACET_DATA to the folder holding celebamask-hq-800)` };
};

export const needsChromium: () => Requirement = () => {
  const path = chromiumPath();
  return { name: 'chromium', met: existsSync(path), reason: `Chromium not found at ${path} (apt-get install chromium, or set FACET_CHROMIUM)` };
};
