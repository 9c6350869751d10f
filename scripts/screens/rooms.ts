// Screenshots of the training room (runs table, charts, two runs compared), the evaluation room
// (a report with an image opened), the batch room (recent results brought into the project) and
// the editor's shortcut sheet at 1280x720 and 1920x1080, into docs/screens/ (or `--out DIR`). Synthetic faces only: committed
// pictures must never show the real photos. `npx tsx scripts/screens/rooms.ts`
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { RunSummary } from '../../src-main/contract/training';
import { apiClient } from '../../tests/helpers/api-client';
import { launchChromium } from '../../tests/helpers/browser';
import { startServe } from '../../tests/helpers/server';
import { writeSyntheticFaces } from '../../tests/helpers/synthetic-faces';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = resolve(outIndex >= 0 ? args[outIndex + 1]! : join(repo, 'docs', 'screens'));
const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

async function shoot(page: Page, name: string, viewport: { width: number; height: number }): Promise<void> {
  await page.evaluate("document.querySelectorAll('main').forEach((e) => e.scrollTo(0, 0)); window.scrollTo(0, 0)");
  await page.mouse.move(viewport.width - 5, viewport.height - 5);
  await page.waitForTimeout(500); // let charts and images settle; pictures, not measurements
  const path = join(outDir, `${name}-${viewport.width}x${viewport.height}.png`);
  await page.screenshot({ path });
  process.stdout.write(`${path}\n`);
}

async function waitFinished(api: Awaited<ReturnType<typeof apiClient>>, id: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const run = (await api.call('runs.list', {})).find((r: RunSummary) => r.id === id);
    if (run && run.status !== 'running' && run.status !== 'stopping') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`run ${id} did not finish`);
}

const work = await mkdtemp(join(tmpdir(), 'facet-screens-'));
try {
  process.env['FACET_RENDERER_DIR'] = join(work, 'renderer');
  process.env['FACET_CONFIG_DIR'] = join(work, 'config');
  const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
  await ensureRendererBuilt({ build: true, force: true });
  await mkdir(outDir, { recursive: true });
  await writeSyntheticFaces(join(work, 'labelled'), 24, { size: 256 });
  await writeSyntheticFaces(join(work, 'holiday'), 6, { size: 256, prefix: 'holiday', first: 30 });
  const project = join(work, 'faces-2026');
  await promisify(execFile)(process.execPath, [join(repo, 'bin/facet.js'), 'import', join(work, 'labelled'), '--project', project, '--preset', 'labels8', '--no-progress']);
  const serve = await startServe(project);
  const api = await apiClient(serve);
  const { browser, close } = await launchChromium();
  try {
    // Two short runs to compare: the same tiny U-Net at two learning rates.
    const ids: string[] = [];
    for (const [lr, epochs] of [[0.003, 8], [0.001, 6]] as const) {
      const config = { model: 'unet', modelOptions: { widths: [8, 16] }, inputSize: 64, epochs, batchSize: 4, stepsPerEpoch: 4, lr };
      let run: RunSummary | null = null;
      // The host takes the next run once the last one has let go of its engine.
      for (let i = 0; i < 120 && !run; i++) {
        run = await api.call('runs.start', { config }).catch((e: Error) => (/busy/.test(e.message) ? null : Promise.reject(e)));
        if (!run) await new Promise((r) => setTimeout(r, 500));
      }
      if (!run) throw new Error('the host stayed busy');
      await waitFinished(api, run.id);
      ids.push(run.id);
    }
    await api.call('project.setModel', { model: ids[0]! });

    for (const viewport of VIEWPORTS) {
      const page = await browser.newPage({ viewport });
      await page.goto(`${serve.url}#/training`);
      await page.getByTestId('room-training').waitFor();
      await page.getByTestId(`run-row-${ids[0]}`).click();
      await page.getByTestId(`run-compare-${ids[1]}`).check();
      await page.getByTestId('run-compare').waitFor();
      await shoot(page, 'training', viewport);

      await page.getByTestId('nav-evaluation').click();
      await page.getByTestId('room-evaluation').waitFor();
      await page.getByTestId('eval-model').selectOption(ids[0]!);
      await page.getByTestId('eval-split').selectOption('train');
      await page.getByTestId('eval-run').click();
      await page.getByTestId('eval-table').waitFor({ timeout: 120_000 });
      await page.locator('[data-testid=eval-images] tbody tr').first().click();
      await page.getByTestId('image-compare').waitFor();
      await shoot(page, 'evaluation', viewport);

      await page.getByTestId('nav-batch').click();
      await page.getByTestId('room-batch').waitFor();
      await page.getByTestId('batch-in').fill(join(work, 'holiday/images'));
      await page.getByTestId('batch-out').fill(join(work, `holiday-masks-${viewport.width}`));
      await page.getByTestId('batch-model').selectOption(ids[0]!);
      await page.getByTestId('batch-start').click();
      await page.locator('[data-testid=batch-job][data-state=finished]').waitFor({ timeout: 120_000 });
      const result = page.locator('[data-testid^=batch-result-][data-state=finished]').first();
      await result.waitFor();
      if (viewport.width === VIEWPORTS[0].width) {
        await result.getByTestId('batch-result-bring').click();
        await result.getByTestId('import-report').waitFor({ timeout: 60_000 });
      }
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=batch-result-thumb]')].every((i) => (i as HTMLImageElement).complete));
      // The results are below the form: scrolled into view, as the user would.
      await result.scrollIntoViewIfNeeded();
      await page.waitForTimeout(500);
      const path = join(outDir, `batch-${viewport.width}x${viewport.height}.png`);
      await page.screenshot({ path });
      process.stdout.write(`${path}\n`);

      // The editor's keyboard shortcuts, over an image of the project.
      await page.goto(`${serve.url}#/gallery`);
      await page.locator('[data-testid^=gallery-cell-]').nth(3).dblclick();
      await page.getByTestId('editor-canvas').waitFor();
      await page.waitForTimeout(500);
      await page.keyboard.press('?');
      await shoot(page, 'editor-shortcuts', viewport);
      await page.close();
    }
  } finally {
    api.close();
    await close();
    await serve.stop();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
