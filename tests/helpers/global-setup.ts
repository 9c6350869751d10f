// Builds the renderer once per test run when browser tests will run, so they test the current
// sources. Skipped (fast) when Chromium is absent and not required.
import { needsChromium, requireAll } from './requirements';

export default async function setup(): Promise<void> {
  if (process.env['FACET_SKIP_RENDERER_BUILD'] === '1') return;
  if (!needsChromium().met && !requireAll) return;
  const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
  await ensureRendererBuilt({ build: true, force: true });
}
