// The batch room's recent results and the training room at the smallest supported window, in
// Chromium through `facet serve`, on synthetic faces: a batch's results show with overlay
// thumbnails and come into the project as predicted images for review; the runs table shows
// every column at 1280x720; the compare chart has its own loss axis; the training form keeps
// its draft when the user leaves the room.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunSummary } from '../../src-main/contract/training';
import type { TestApiClient } from '../helpers/api-client';
import { openStudio, type Studio } from '../helpers/studio';
import { describeWith } from '../helpers/describe-with';
import { needsChromium } from '../helpers/requirements';
import type { ServeProcess } from '../helpers/server';
import { writeSyntheticFaces } from '../helpers/synthetic-faces';
import { tempDir } from '../helpers/temp';
import { saveModel, tinyModel } from '../segment/model-fixture';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const WIDTH = 1280;
const HEIGHT = 720;

describeWith([needsChromium()], 'batch results and the training room at 1280x720 in Chromium', () => {
  let serve: ServeProcess;
  let studio: Studio;
  let page: Page;
  let api: TestApiClient;
  let cleanup: () => Promise<void>;
  let root: string;
  let modelDir: string;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await tempDir('facet-batch-results-e2e-');
    cleanup = t.cleanup;
    root = t.dir;
    await writeSyntheticFaces(join(root, 'labelled'), 8, { size: 96 });
    // The batch's photos: other faces, not yet in the project.
    await writeSyntheticFaces(join(root, 'batch'), 3, { size: 96, prefix: 'new', first: 10 });
    const project = join(root, 'project');
    await promisify(execFile)(process.execPath, [join(repo, 'bin/facet.js'), 'import', join(root, 'labelled'), '--project', project, '--preset', 'labels8', '--no-progress']);
    modelDir = await saveModel(await tinyModel(32), join(root, 'model'));
    studio = await openStudio(project, { width: WIDTH, height: HEIGHT });
    ({ serve, api, page, pageErrors } = studio);
  });

  afterAll(async () => {
    await studio?.close();
    await cleanup?.();
  });

  it('shows a finished batch with thumbnails and brings it into the project for review', async () => {
    await page.goto(`${serve.url}#/batch`);
    await page.getByTestId('room-batch').waitFor();
    await page.getByTestId('batch-in').fill(join(root, 'batch/images'));
    await page.getByTestId('batch-out').fill(join(root, 'batch-out'));
    await page.getByTestId('batch-model-path').fill(modelDir);
    await page.getByTestId('batch-model-path').press('Tab');
    await page.getByTestId('batch-start').click();
    await page.locator('[data-testid=batch-job][data-state=finished]').waitFor({ timeout: 90_000 });
    const result = page.locator('[data-testid^=batch-result-][data-state=finished]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getByTestId('batch-result-counts').textContent()).toContain('3 photos segmented');
    expect(await result.getByTestId('batch-result-out').textContent()).toBe(join(root, 'batch-out'));
    // Three overlay thumbnails, decoded by the browser.
    const thumbs = result.getByTestId('batch-result-thumb');
    await expect.poll(() => thumbs.count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => thumbs.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    await result.getByTestId('batch-result-bring').click();
    await result.getByTestId('import-report').waitFor({ timeout: 60_000 });
    expect(await result.getByTestId('import-summary').textContent()).toContain('3 imported');
    const predicted = await api.call('images.list', { status: 'predicted', limit: 100 });
    expect(predicted.items.map((i) => i.name).sort()).toEqual(['new-11', 'new-12', 'new-13']);
    const revisions = await api.call('masks.revisions', { id: predicted.items[0]!.id });
    expect(revisions.map((r) => r.kind)).toEqual(['import:segment']);

    // Review: the gallery opens on the predicted images.
    await result.getByTestId('batch-result-review').click();
    await page.getByTestId('room-gallery').waitFor();
    await expect.poll(() => page.locator('[data-testid^=gallery-cell-]').count(), { timeout: 30_000 }).toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it('the runs table shows every column at 1280x720; the compare chart has a loss axis; no JSON quotes', async () => {
    const config = (lr: number) => ({ model: 'unet', modelOptions: { widths: [4, 8] }, inputSize: 32, epochs: 1, batchSize: 2, stepsPerEpoch: 1, lr });
    const ids: string[] = [];
    for (const lr of [0.001, 0.003]) {
      // The host takes a new run once the last one has let go of its engine (shortly after it reads finished).
      let run: RunSummary | null = null;
      await expect
        .poll(async () => (run = await api.call('runs.start', { config: config(lr) }).catch((e: Error) => (/busy/.test(e.message) ? null : Promise.reject(e)))), { timeout: 60_000, interval: 500 })
        .not.toBeNull();
      if (!run) throw new Error('no run started');
      const id = (run as RunSummary).id;
      ids.push(id);
      await expect.poll(async () => (await api.call('runs.list', {})).find((r: RunSummary) => r.id === id)?.status, { timeout: 120_000, interval: 500 }).toBe('finished');
    }
    await page.goto(`${serve.url}#/training`);
    await page.getByTestId('room-training').waitFor();
    await page.getByTestId(`run-row-${ids[0]}`).waitFor();
    await page.getByTestId(`run-row-${ids[0]}`).click();
    await page.getByTestId(`run-compare-${ids[1]}`).check();
    await page.getByTestId('run-compare').waitFor();

    const inside = async (what: string, locator: ReturnType<Page['locator']>): Promise<void> => {
      const box = await locator.boundingBox();
      expect(box, what).not.toBeNull();
      expect(box!.x, `${what} left`).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, `${what} right edge`).toBeLessThanOrEqual(WIDTH);
      expect(box!.y + box!.height, `${what} bottom edge`).toBeLessThanOrEqual(HEIGHT);
    };
    await page.evaluate(() => document.querySelector('.room')?.scrollTo(0, 0));
    const headers = page.locator('[data-testid=runs-table] thead th');
    expect(await headers.count()).toBe(10);
    for (let i = 0; i < 10; i++) await inside(`header ${i} (${(await headers.nth(i).textContent())?.trim()})`, headers.nth(i));
    for (const id of ids) {
      const cells = page.locator(`[data-testid=run-row-${id}] td`);
      for (let i = 0; i < 10; i++) await inside(`run ${id} cell ${i}`, cells.nth(i));
      await inside(`run ${id}: use as model`, page.getByTestId(`run-use-model-${id}`));
      await inside(`run ${id}: time`, page.locator(`[data-testid=run-row-${id}] [data-testid=run-time]`));
    }
    expect(await page.getByTestId('chart-compare').getAttribute('data-axes')).toBe('2');
    const diffs = await page.getByTestId('compare-diff').allTextContents();
    expect(diffs.some((d) => d.startsWith('lr'))).toBe(true);
    expect(diffs.join('\n')).not.toContain('"');
    expect(pageErrors).toEqual([]);
  });

  it('the training form keeps its draft when the user leaves the room and comes back', async () => {
    await page.goto(`${serve.url}#/training`);
    await page.getByTestId('run-form').waitFor();
    await page.getByTestId('run-epochs').fill('13');
    await page.getByTestId('run-size').fill('48');
    await page.getByTestId('nav-batch').click();
    await page.getByTestId('room-batch').waitFor();
    await page.getByTestId('nav-training').click();
    await page.getByTestId('run-form').waitFor();
    expect(await page.getByTestId('run-epochs').inputValue()).toBe('13');
    expect(await page.getByTestId('run-size').inputValue()).toBe('48');
  });
});
