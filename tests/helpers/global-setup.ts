// Builds the renderer once per test run when browser tests will run, so they test the current
// sources. Skipped (fast) when Chromium is absent and not required.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsChromium, requireAll } from './requirements';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env['FACET_SKIP_RENDERER_BUILD'] === '1') return;
  if (!needsChromium().met && !requireAll) return;
  // A folder per run: parallel test runs on one checkout never rebuild each other's renderer.
  const dir = await mkdtemp(join(tmpdir(), 'facet-renderer-'));
  process.env['FACET_RENDERER_DIR'] = dir;
  const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
  await ensureRendererBuilt({ build: true, force: true });
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
