// The gallery and the mask history in Chromium through `facet serve`, on synthetic faces
// imported with the `facet import` CLI: a bulk action on a multi-selection, an edit, comparing
// and reverting in the history panel; search as you type; and an import by another process while
// the gallery is open showing up without a reload.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApiClient } from '../helpers/api-client';
import { openStudio, type Studio } from '../helpers/studio';
import { describeWith } from '../helpers/describe-with';
import { needsChromium } from '../helpers/requirements';
import type { ServeProcess } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { DEFAULT_STYLE, drawFace, writeFace } from '../../scripts/bench/synthetic-face';

const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const run = promisify(execFile);

async function drawFaces(dir: string, names: string[], size = 96): Promise<void> {
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'masks'), { recursive: true });
  for (const [k, name] of names.entries()) {
    const style = { ...DEFAULT_STYLE, glasses: k % 2 === 0, dx: ((k % 3) - 1) * 0.04 };
    await writeFace(drawFace(size, size, style), join(dir, 'images', `${name}.jpg`), join(dir, 'masks', `${name}.png`));
  }
}

/** `facet import` as a separate process, the way a terminal would run it. */
async function importWithCli(src: string, project: string): Promise<void> {
  await run(process.execPath, [bin, 'import', src, '--project', project, '--preset', 'labels8', '--no-progress']);
}

describeWith([needsChromium()], 'gallery and history in Chromium', () => {
  let serve: ServeProcess;
  let studio: Studio;
  let page: Page;
  let api: TestApiClient;
  let cleanup: () => Promise<void>;
  let root: string;
  let project: string;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await tempDir('facet-gallery-e2e-');
    ({ dir: root, cleanup } = t);
    project = join(root, 'project');
    await drawFaces(join(root, 'src'), ['face-a', 'face-b', 'face-c']);
    // One photo large enough that the bundled model's proposal differs in every class: the
    // proposal panel at its tallest.
    await drawFaces(join(root, 'src'), ['face-d'], 512);
    await importWithCli(join(root, 'src'), project);
    studio = await openStudio(project, { width: 1280, height: 720 });
    ({ serve, api, page, pageErrors } = studio);
    await page.goto(serve.url);
    await page.getByTestId('room-gallery').waitFor();
  });

  afterAll(async () => {
    await studio?.close();
    await cleanup?.();
  });

  const cell = (id: number) => page.getByTestId(`gallery-cell-${id}`);

  it('a bulk status change on a ctrl-click selection, then an edit, compared and reverted in the history', async () => {
    const { items } = await api.call('images.list', {});
    const [a, b] = items;
    await cell(a!.id).waitFor();
    await cell(a!.id).click();
    await cell(b!.id).click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('2 images selected');
    await page.getByTestId('bulk-status').selectOption('reviewed');
    await page.getByTestId('bulk-split').selectOption('train');
    await expect.poll(async () => (await api.call('images.list', { status: 'reviewed', split: 'train' })).items.map((i) => i.id)).toEqual([a!.id, b!.id]);
    const changed = (await api.call('images.get', { id: a!.id })).item;
    expect(changed).toMatchObject({ splitLocked: true, inTraining: true });
    await expect.poll(() => page.getByTestId(`cell-training-${a!.id}`).getAttribute('data-in-training')).toBe('true');
    // The masks over the thumbnails, and the class shares of a hovered cell.
    await page.getByTestId('toggle-masks').check();
    await page.getByTestId(`cell-mask-${a!.id}`).waitFor();
    await cell(b!.id).hover();
    await expect.poll(() => page.getByTestId(`cell-shares-${b!.id}`).textContent()).toMatch(/skin \d+%/);

    // Edit: fill the region under the canvas centre with eyes, save.
    await cell(a!.id).dblclick();
    const canvas = page.getByTestId('editor-canvas');
    await canvas.waitFor();
    await page.keyboard.press('f');
    await page.keyboard.press('4');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    const edited = await api.call('masks.get', { id: a!.id });
    const imported = await api.call('masks.get', { id: a!.id, revision: 1 });
    expect(edited.revision).toBe(2);
    expect(Buffer.from(edited.labels).equals(Buffer.from(imported.labels))).toBe(false);

    // History: compare r1 with the current mask, then revert to it.
    await page.getByTestId('history-panel').locator('summary').click();
    await page.getByTestId('revision-1').waitFor();
    expect(await page.getByTestId('revision-1').textContent()).toContain('imported (labels8)');
    expect(await page.getByTestId('revision-2').textContent()).toContain('current');
    await page.getByTestId('view-revision-1').click();
    let differing = 0;
    for (let i = 0; i < edited.labels.length; i++) if (edited.labels[i] !== imported.labels[i]) differing++;
    await expect.poll(() => page.getByTestId('revision-diff-summary').textContent()).toContain(`on ${differing.toLocaleString('en-US')} pixel`);
    expect(await page.getByTestId('revision-diff-class-3').textContent()).toContain(`−${differing}`);
    await page.getByTestId('revert-viewed').click();
    await expect.poll(async () => (await api.call('masks.get', { id: a!.id })).revision).toBe(3);
    const reverted = await api.call('masks.get', { id: a!.id });
    expect(Buffer.from(reverted.labels).equals(Buffer.from(imported.labels))).toBe(true);
    expect((await api.call('masks.revisions', { id: a!.id })).map((r) => r.kind)).toEqual(['import:labels8', 'human', 'revert:1']);
    await expect.poll(() => page.getByTestId('revision-3').textContent()).toContain('reverted to r1');
    expect(await page.getByTestId('revision-3').textContent()).toContain('current');
  });

  it('at 1280x720 the proposal\'s Accept all and Discard show without scrolling', async () => {
    const { items } = await api.call('images.list', {});
    await page.getByTestId('nav-gallery').click();
    await cell(items.find((i) => i.name === 'face-d')!.id).dblclick();
    await page.getByTestId('editor-canvas').waitFor();
    await page.getByTestId('predict').click();
    await page.getByTestId('accept-all').waitFor({ timeout: 120_000 });
    expect(await page.locator('[data-testid^=accept-class-]').count()).toBeGreaterThanOrEqual(6);
    for (const id of ['accept-all', 'discard-proposal']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.y + box.height, id).toBeLessThanOrEqual(720);
      // Inside the panel's visible part: the side panel is not scrolled and does not clip it.
      const clipped = await page.getByTestId(id).evaluate((el) => {
        const aside = el.closest('aside')!;
        const a = aside.getBoundingClientRect();
        const b = el.getBoundingClientRect();
        return aside.scrollTop !== 0 || b.bottom > a.bottom || b.top < a.top;
      });
      expect(clipped, id).toBe(false);
    }
    await page.getByTestId('discard-proposal').click();
  });

  it('searches as you type and says "1 image"', async () => {
    await page.getByTestId('nav-gallery').click();
    await page.getByTestId('room-gallery').waitFor();
    await page.getByTestId('filter-search').pressSequentially('face-c');
    await expect.poll(() => page.getByTestId('gallery-total').textContent()).toBe('1 image shown');
    await page.getByTestId('filter-search').fill('');
    await expect.poll(() => page.getByTestId('gallery-total').textContent()).toBe('4 images shown');
  });

  it('shows images that another process imports while the gallery is open, without a reload', async () => {
    const before = await page.evaluate(() => performance.timeOrigin);
    await drawFaces(join(root, 'src2'), ['late-1', 'late-2', 'late-3']);
    await importWithCli(join(root, 'src2'), project);
    await expect.poll(() => page.getByTestId('gallery-grid').getAttribute('data-total'), { timeout: 20_000 }).toBe('7');
    await expect.poll(() => page.getByTestId('filter-status-all').textContent(), { timeout: 20_000 }).toContain('7');
    const late = (await api.call('images.list', { search: 'late-3' })).items[0]!;
    await cell(late.id).waitFor();
    // The same page: no reload happened.
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(before);
    expect(pageErrors).toEqual([]);
  });
});
