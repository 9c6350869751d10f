// Closing the loop in Chromium through `facet serve`: a small labelled project, "Improve the
// model" with a tiny time budget fine-tunes the bundled model (live chart points), the per-class
// before/after table matches the API's evaluations, "Use as current model" makes Predict use the
// run (the editor says so), and the models panel switches back to the bundled model.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApiClient } from '../helpers/api-client';
import { describeWith } from '../helpers/describe-with';
import { importRealSubset } from '../helpers/real-project';
import { needsChromium, needsData } from '../helpers/requirements';
import type { ServeProcess } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { openStudio, type Studio } from '../helpers/studio';

describeWith([needsChromium(), needsData()], 'improve the model with my corrections, in Chromium', () => {
  let serve: ServeProcess;
  let studio: Studio;
  let page: Page;
  let api: TestApiClient;
  let cleanup: () => Promise<void>;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await tempDir('facet-improve-e2e-');
    cleanup = t.cleanup;
    const { project } = await importRealSubset(t.dir, 12);
    studio = await openStudio(project, { width: 1400, height: 1000 });
    ({ serve, api, page, pageErrors } = studio);
  });

  afterAll(async () => {
    await studio?.close();
    await cleanup?.();
  });

  it('fine-tunes the bundled model, compares before and after, uses the new model and switches back', async () => {
    // A few images for validation, the rest (labelled, split train) form the training set.
    const { items } = await api.call('images.list', { limit: 100 });
    const ids = items.map((i: { id: number }) => i.id);
    await api.call('images.update', { ids: ids.slice(0, 3), split: 'val' });
    await api.call('images.update', { ids: ids.slice(3), split: 'train', status: 'done' });
    expect((await api.call('project.summary', {})).currentModel).toBeNull();

    await page.goto(serve.url);
    await page.getByTestId('nav-gallery').click();
    await page.getByTestId('improve-from-gallery').click();
    await page.getByTestId('room-training').waitFor();
    await page.getByTestId('improve-minutes').fill('0.15');
    await page.getByTestId('improve-start').click();

    // The fine-tune's batches reach the panel's chart while it runs.
    const panel = page.getByTestId('improve-panel');
    await expect.poll(async () => Number(await panel.getByTestId('chart-loss').getAttribute('data-points').catch(() => '0')), { timeout: 240_000, interval: 500 }).toBeGreaterThan(0);
    await page.locator('[data-testid=improve-panel][data-phase=done]').waitFor({ timeout: 300_000 });
    expect(await page.getByTestId('improve-error').count()).toBe(0);

    const runs = await api.call('runs.list', {});
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    const detail = await api.call('runs.get', { id: run.id });
    expect(detail.config.init).toBe('default');
    expect(detail.config.minutes).toBe(0.15);
    expect(detail.config.lineage?.name).toBe('default');
    expect(detail.config.freezeBatchNorm).toBe(true);
    expect(detail.config.data).toMatchObject({ kind: 'project', onlyInTraining: true });

    // The table shows the API's evaluations of the bundled model and of the run, per class.
    const before = await api.call('eval.run', { model: 'default', split: 'val' });
    const after = await api.call('eval.run', { model: run.id, split: 'val' });
    for (const [i, c] of before.metrics.perClass.entries()) {
      const row = page.getByTestId(`improve-row-${c.name}`);
      const a = after.metrics.perClass[i]!;
      expect((await row.locator('[data-col=before]').textContent())?.trim(), `${c.name} before`).toBe(c.present ? (c.f1 * 100).toFixed(1) : '–');
      expect((await row.locator('[data-col=after]').textContent())?.trim(), `${c.name} after`).toBe(a.present ? (a.f1 * 100).toFixed(1) : '–');
    }
    const mean = page.getByTestId('improve-row-mean (face parts)');
    const delta = (after.metrics.meanF1Face - before.metrics.meanF1Face) * 100;
    expect((await mean.locator('[data-col=delta]').textContent())?.trim()).toBe(`${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`);
    await page.screenshot({ path: 'test-results/improve-panel.png', fullPage: true });

    // Use it: the project's current model, and the editor names it next to Predict.
    await page.getByTestId('improve-use').click();
    await page.getByTestId('improve-adopted').waitFor();
    expect((await api.call('project.summary', {})).currentModel).toBe(run.id);
    await page.getByTestId(`model-current-${run.id}`).waitFor();
    await page.getByTestId('nav-gallery').click();
    await page.getByTestId(`gallery-cell-${ids[0]}`).dblclick();
    await page.getByTestId('room-editor').waitFor();
    await expect.poll(() => page.getByTestId('predict-model').textContent()).toContain(`run ${run.id}`);
    await page.getByTestId('predict').click();
    await page.getByTestId('proposal-summary').waitFor({ timeout: 120_000 });

    // Back to the bundled model from the models panel.
    await page.getByTestId('nav-training').click();
    await page.getByTestId('model-use-default').click();
    await page.getByTestId('model-current-default').waitFor();
    expect((await api.call('project.summary', {})).currentModel).toBe('default');
    await page.getByTestId('nav-editor').click();
    await expect.poll(() => page.getByTestId('predict-model').textContent()).toContain('bundled fast model');

    // The accurate bundled model is listed with what it is, and Predict can switch to it.
    await page.getByTestId('nav-training').click();
    await expect.poll(() => page.getByTestId('model-facts-accurate').textContent()).toContain('320 px');
    expect(await page.getByTestId('model-facts-accurate').textContent()).toContain('test-time flip');
    expect(await page.getByTestId('model-facts-default').textContent()).toContain('256 px');
    await page.getByTestId('model-use-accurate').click();
    await page.getByTestId('model-current-accurate').waitFor();
    expect((await api.call('project.summary', {})).currentModel).toBe('accurate');
    await page.getByTestId('nav-editor').click();
    await expect.poll(() => page.getByTestId('predict-model').textContent()).toContain('bundled accurate model');
    await page.getByTestId('nav-training').click();
    await page.getByTestId('model-use-default').click();
    await page.getByTestId('model-current-default').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('pre-labels the project with Predict all, orders the gallery by uncertainty, and renames and deletes the run', async () => {
    await page.getByTestId('nav-gallery').click();
    await page.getByTestId('predict-all-only').selectOption('all');
    await page.getByTestId('predict-all-start').click();
    await page.locator('[data-testid=predict-all][data-state=finished]').waitFor({ timeout: 240_000 });
    expect(await page.getByTestId('predict-all-progress').getAttribute('data-fraction')).toBe('1.0000');
    expect(await page.getByTestId('predict-all-progress').textContent()).toContain('12 predicted of 12');
    // Most uncertain first, as the API orders them.
    await page.getByTestId('gallery-sort').selectOption('uncertainty');
    const { items } = await api.call('images.list', { sort: 'uncertainty', limit: 3 });
    expect(items[0]!.uncertainty).not.toBeNull();
    await expect.poll(() => page.locator('[data-testid^=gallery-cell-]').first().getAttribute('data-testid'), { timeout: 30_000 }).toBe(`gallery-cell-${items[0]!.id}`);

    // The models panel: a card, a rename, a delete.
    const [run] = await api.call('runs.list', {});
    await page.getByTestId('nav-training').click();
    await page.getByTestId(`model-card-${run!.id}`).click();
    await expect.poll(() => page.getByTestId('model-card').textContent()).toContain('bundled fast model');
    await page.getByTestId(`model-rename-${run!.id}`).click();
    await page.getByTestId(`model-name-${run!.id}`).fill('my-first-finetune');
    await page.getByTestId(`model-rename-save-${run!.id}`).click();
    await page.getByTestId('model-row-my-first-finetune').waitFor();
    expect((await api.call('runs.list', {})).map((r: { id: string }) => r.id)).toEqual(['my-first-finetune']);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('model-delete-my-first-finetune').click();
    await expect.poll(async () => (await api.call('runs.list', {})).length).toBe(0);
    await page.getByTestId('model-row-my-first-finetune').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
