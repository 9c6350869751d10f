// Builds the renderer once per test run when browser tests will run, so they test the current
// sources. Skipped (fast) when Chromium is absent and not required.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsChromium, requireAll } from './requirements';

export default async function setup(): Promise<() => Promise<void>> {
  // The host's own settings (recent projects) go to a folder of this run, never the user's.
  const config = await mkdtemp(join(tmpdir(), 'facet-config-'));
  process.env['FACET_CONFIG_DIR'] = config;
  const removeConfig = (): Promise<void> => rm(config, { recursive: true, force: true });
  if (process.env['FACET_SKIP_RENDERER_BUILD'] === '1') return removeConfig;
  if (!needsChromium().met && !requireAll) return removeConfig;
  // A folder per run: parallel test runs on one checkout never rebuild each other's renderer.
  const dir = await mkdtemp(join(tmpdir(), 'facet-renderer-'));
  process.env['FACET_RENDERER_DIR'] = dir;
  const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
  await ensureRendererBuilt({ build: true, force: true });
  return async () => {
    await rm(dir, { recursive: true, force: true });
    await removeConfig();
  };
}
