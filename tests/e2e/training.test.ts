// The training, evaluation and batch rooms in Chromium through `facet serve`, on a tiny project
// imported from the real data: a short training run streams epochs into the charts and stops on
// request; the evaluation table and confusion matrix show the numbers the API computed; a photo
// folder is segmented from the batch room.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunSummary } from '../../src-main/contract/training';
import { readSummary } from '../../src-main/segment/summary';
import type { TestApiClient } from '../helpers/api-client';
import { describeWith } from '../helpers/describe-with';
import { importRealSubset } from '../helpers/real-project';
import { needsChromium, needsData } from '../helpers/requirements';
import type { ServeProcess } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { openStudio, type Studio } from '../helpers/studio';
import { saveModel, tinyModel } from '../segment/model-fixture';


/** Fills the training form for a tiny U-Net (64 px, batch 2) and starts it. */
async function startTinyRun(page: Page, o: { epochs: number; steps: number }): Promise<void> {
  await page.getByTestId('run-model').selectOption('unet');
  await page.getByTestId('run-widths').fill('4,8');
  await page.getByTestId('run-size').fill('64');
  await page.getByTestId('run-epochs').fill(String(o.epochs));
  await page.getByTestId('run-batch').fill('2');
  await page.getByTestId('run-steps').fill(String(o.steps));
  await page.getByTestId('run-start').click();
}

describeWith([needsChromium(), needsData()], 'training, evaluation and batch rooms in Chromium', () => {
  let serve: ServeProcess;
  let studio: Studio;
  let page: Page;
  let api: TestApiClient;
  let cleanup: () => Promise<void>;
  let root: string;
  let modelDir: string;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await tempDir('facet-training-e2e-');
    cleanup = t.cleanup;
    root = t.dir;
    const { src, project, names } = await importRealSubset(root, 10);
    // A photo folder for the batch room: two real photos, one in a subfolder, and a broken file.
    await mkdir(join(root, 'photos/trip'), { recursive: true });
    await copyFile(join(src, 'images', names[0]!), join(root, 'photos/one.jpg'));
    await copyFile(join(src, 'images', names[1]!), join(root, 'photos/trip/two.jpg'));
    await writeFile(join(root, 'photos/trip/broken.jpg'), 'not a photo');
    modelDir = await saveModel(await tinyModel(32), join(root, 'model'));
    studio = await openStudio(project, { width: 1400, height: 1000 });
    ({ serve, api, page, pageErrors } = studio);
  });

  afterAll(async () => {
    await studio?.close();
    await cleanup?.();
  });

  it('segments a photo folder from the batch room, with a folder picker', async () => {
    await page.goto(serve.url);
    await page.getByTestId('nav-batch').click();
    await page.getByTestId('room-batch').waitFor();
    // Pick the input folder by browsing from its parent.
    await page.getByTestId('batch-in').fill(root);
    await page.getByRole('button', { name: 'Browse…' }).first().click();
    await page.getByTestId('picker-folder-photos').click();
    await expect.poll(() => page.getByTestId('picker-path').textContent()).toBe(join(root, 'photos'));
    await page.getByTestId('picker-choose').click();
    expect(await page.getByTestId('batch-in').inputValue()).toBe(join(root, 'photos'));
    await page.getByTestId('batch-out').fill(join(root, 'masks'));
    await page.getByTestId('batch-model-path').fill(modelDir);
    await page.getByTestId('batch-model-path').press('Tab');
    await page.getByTestId('batch-start').click();
    await page.locator('[data-testid=batch-job][data-state=finished]').waitFor({ timeout: 90_000 });
    const text = await page.getByTestId('batch-job').textContent();
    expect(text).toContain('3/3 photos');
    expect(text).toContain('2 segmented');
    expect(await page.getByTestId('batch-failed').textContent()).toContain('trip/broken.jpg');
    expect(await page.getByTestId('batch-progress').getAttribute('data-fraction')).toBe('1.0000');
    const rows = await readSummary(join(root, 'masks/summary.csv'));
    expect(rows.get('trip/two.jpg')).toMatchObject({ status: 'ok', mask: 'trip/two.png', width: 512, height: 512 });
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: 'test-results/batch-room.png', fullPage: true });
  });

  it('starts a short training run: the progress bar and charts receive its epochs, and stop works', async () => {
    await page.getByTestId('nav-training').click();
    await page.getByTestId('room-training').waitFor();
    await page.getByTestId('run-form').waitFor();
    await startTinyRun(page, { epochs: 40, steps: 2 });
    // Epochs arrive as events: the charts' point counts grow without a reload.
    await expect.poll(async () => Number(await page.getByTestId('run-charts').getAttribute('data-epochs')), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getByTestId('chart-class-iou').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('run-progress').getAttribute('data-fraction'))).toBeGreaterThan(0);
    const runs = await api.call('runs.list', {});
    const live = runs.find((r: RunSummary) => r.status === 'running');
    expect(live, 'a running run').toBeDefined();
    await page.getByTestId(`run-stop-${live!.id}`).click();
    await page.locator(`[data-testid=run-row-${live!.id}][data-status=stopped]`).waitFor({ timeout: 120_000 });
    const detail = await api.call('runs.get', { id: live!.id });
    expect(detail.summary.status).toBe('stopped');
    expect(detail.summary.epochsDone).toBeLessThan(40);
    // The charts show every epoch the run recorded.
    expect(Number(await page.getByTestId('run-charts').getAttribute('data-epochs'))).toBe(detail.history.length);
    await page.screenshot({ path: 'test-results/training-room.png', fullPage: true });
  });

  it('evaluates the run: the table and confusion matrix show the API numbers', async () => {
    const [latest] = await api.call('runs.list', {});
    await page.getByTestId('nav-evaluation').click();
    await page.getByTestId('room-evaluation').waitFor();
    await page.getByTestId('eval-model').selectOption(latest!.id);
    await page.getByTestId('eval-checkpoint').selectOption('last');
    await page.getByTestId('eval-split').selectOption('train');
    await page.getByTestId('eval-run').click();
    await page.getByTestId('eval-table').waitFor({ timeout: 120_000 });
    // The same evaluation through the API: deterministic, so the page must show these numbers.
    const report = await api.call('eval.run', { model: latest!.id, checkpoint: 'last', split: 'train' });
    const m = report.metrics;
    for (const c of m.perClass) {
      const row = page.getByTestId(`eval-row-${c.name}`);
      const f1 = await row.locator('[data-col=f1]').textContent();
      expect(f1?.trim(), c.name).toBe(c.present ? (c.f1 * 100).toFixed(1) : '–');
      expect((await row.locator('[data-col=support]').textContent())?.trim()).toBe(c.support.toLocaleString('en-US'));
    }
    expect((await page.getByTestId('eval-mean-face').locator('[data-col=iou]').textContent())?.trim()).toBe((m.meanIoUFace * 100).toFixed(1));
    for (let t = 0; t < 8; t++) {
      for (let p = 0; p < 8; p++) {
        expect(Number(await page.getByTestId(`cm-${t}-${p}`).getAttribute('data-count')), `confusion[${t}][${p}]`).toBe(m.confusion[t]![p]);
      }
    }
    const total = m.confusion.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(m.pixels);
    // Images listed worst first.
    const rows = page.locator('[data-testid=eval-images] tbody tr');
    expect(await rows.count()).toBe(report.perImage.length);
    // Worst F1 first, as the API's per-image results order them.
    const worst = [...report.perImage].sort((a, b) => a.f1Face - b.f1Face)[0]!;
    expect((await rows.first().locator('td').first().textContent())?.trim()).toBe(worst.name);
    // Most disputed first (mask review): the API's disputes order the rows and show per image.
    await page.getByTestId('order-disputed').check();
    const disputed = [...report.perImage].sort((a, b) => (b.dispute?.share ?? 0) - (a.dispute?.share ?? 0))[0]!;
    await expect.poll(async () => (await rows.first().locator('td').first().textContent())?.trim()).toBe(disputed.name);
    expect(disputed.dispute).toBeDefined();
    await page.getByTestId('order-f1').check();
    // One click: image, truth and prediction side by side; then into the editor.
    await rows.first().click();
    await page.getByTestId('image-compare').waitFor();
    await expect.poll(() => page.locator('[data-testid=image-compare] canvas').count()).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator('[data-testid=image-compare] img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(512);
    await page.screenshot({ path: 'test-results/evaluation-room.png', fullPage: true });
    await page.getByTestId('open-in-editor').click();
    await page.getByTestId('room-editor').waitFor();
    expect(new URL(page.url()).hash).toBe('#/editor');
    expect(pageErrors).toEqual([]);
  });

  it('makes a finished run the current model with one click, and Predict then uses it', async () => {
    await page.getByTestId('nav-training').click();
    await page.getByTestId('run-form').waitFor();
    const before = new Set((await api.call('runs.list', {})).map((r: RunSummary) => r.id));
    await startTinyRun(page, { epochs: 1, steps: 1 });
    let id = '';
    await expect.poll(async () => {
      const fresh = (await api.call('runs.list', {})).find((r: RunSummary) => !before.has(r.id));
      id = fresh?.id ?? '';
      return fresh?.status;
    }, { timeout: 120_000, interval: 500 }).toBe('finished');
    await page.getByTestId(`run-use-model-${id}`).click();
    await page.getByTestId(`run-current-${id}`).waitFor();
    expect((await api.call('project.summary', {})).currentModel).toBe(id);
    // The editor's Predict now runs this run's best checkpoint (64 px U-Net, upsampled to the photo).
    const [image] = (await api.call('images.list', { limit: 1 })).items;
    const mask = await api.call('masks.predict', { id: image!.id });
    expect(mask.width).toBe(image!.width);
    expect(mask.height).toBe(image!.height);
    expect(pageErrors).toEqual([]);
  });
});
