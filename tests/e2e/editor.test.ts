// The mask editor in Chromium through `facet serve`, on a project imported from the real data
// with the `facet import` CLI. Mouse strokes, polygon and fill go through the real canvas; the
// expected pixels come from the same editor modules replaying the same raster points, and the
// stored mask is read back through the API after save and after a reload.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { EditorDocument } from '../../src-renderer/editor/document';
import { screenToRaster, type View } from '../../src-renderer/editor/view-transform';
import { apiClient, type TestApiClient } from '../helpers/api-client';
import { describeWith } from '../helpers/describe-with';
import { importRealSubset } from '../helpers/real-project';
import { needsChromium, needsData } from '../helpers/requirements';
import { startServe, type ServeProcess } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { launchChromium } from '../helpers/browser';


describeWith([needsChromium(), needsData()], 'mask editor in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let api: TestApiClient;
  let cleanup: () => Promise<void>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await tempDir('facet-editor-e2e-');
    cleanup = t.cleanup;
    const { project } = await importRealSubset(t.dir, 4);
    // The "no model" Predict message needs no model at all: no current model (a fresh project)
    // and an empty default-model folder, whatever resources/models/default holds on this machine.
    const noModel = join(t.dir, 'no-default-model');
    await mkdir(noModel, { recursive: true });
    const savedDefault = process.env.FACET_DEFAULT_MODEL_DIR;
    process.env.FACET_DEFAULT_MODEL_DIR = noModel;
    try {
      serve = await startServe(project);
    } finally {
      if (savedDefault === undefined) delete process.env.FACET_DEFAULT_MODEL_DIR;
      else process.env.FACET_DEFAULT_MODEL_DIR = savedDefault;
    }
    api = await apiClient(serve);
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    api?.close();
    await closeBrowser?.();
    await serve?.stop();
    await cleanup?.();
  });

  /** The canvas's view and where it sits on the page. */
  async function canvasGeometry(): Promise<{ view: View; left: number; top: number }> {
    const canvas = page.getByTestId('editor-canvas');
    const attr = await canvas.getAttribute('data-view');
    const [scale, x, y] = (attr ?? '').split(',').map(Number);
    const box = await canvas.boundingBox();
    if (!box || !scale) throw new Error(`canvas has no geometry (data-view=${attr})`);
    return { view: { scale, x: x!, y: y! }, left: box.x, top: box.y };
  }

  /** Integer client points and the raster pixels the editor maps them to. */
  async function pointsAt(fractions: [number, number][], size: { width: number; height: number }) {
    const g = await canvasGeometry();
    return fractions.map(([fx, fy]) => {
      const client = {
        x: Math.round(g.left + g.view.x + fx * size.width * g.view.scale),
        y: Math.round(g.top + g.view.y + fy * size.height * g.view.scale),
      };
      return { client, raster: screenToRaster(g.view, client.x - g.left, client.y - g.top) };
    });
  }

  async function storedEquals(id: number, expected: EditorDocument): Promise<void> {
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor();
    const mask = await api.call('masks.get', { id });
    expect([mask.width, mask.height]).toEqual([expected.width, expected.height]);
    const got = mask.labels;
    let diff = 0;
    for (let i = 0; i < got.length; i++) if (got[i] !== expected.raster.data[i]) diff++;
    expect(diff, 'pixels that differ from the expected mask').toBe(0);
  }

  it('shows the imported images with counts, and opens one from the keyboard', async () => {
    await page.goto(serve.url);
    await page.getByTestId('room-gallery').waitFor();
    await page.locator('[data-testid^=gallery-cell-]').nth(3).waitFor();
    const summary = await api.call('project.summary', {});
    for (const [status, n] of Object.entries(summary.byStatus)) {
      expect(await page.getByTestId(`count-${status}`).textContent()).toBe(String(n));
    }
    const list = await api.call('images.list', {});
    expect(await page.getByTestId('gallery-grid').getAttribute('data-total')).toBe(String(list.total));
    await page.getByTestId('gallery-grid').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByTestId('room-editor').waitFor();
    await expect.poll(() => page.getByTestId('image-name').textContent()).toBe(list.items[1]!.name);
  });

  it('brush, undo, redo, polygon and fill through the mouse save exactly the expected pixels, also after a reload', async () => {
    const list = await api.call('images.list', {});
    const item = list.items[1]!;
    const original = await api.call('masks.get', { id: item.id });
    const expected = new EditorDocument(original.width, original.height, original.labels);
    const size = { width: original.width, height: original.height };
    await page.getByTestId('editor-canvas').waitFor();

    // Brush: class 4 (eyes, key 4 → index 3), an L-shaped stroke (horizontal then vertical, so
    // every pointer event lies on the path whatever the event rate).
    await page.keyboard.press('b');
    await page.keyboard.press('4');
    const brushSize = Number(await page.getByTestId('brush-size').textContent());
    const [a, b, c] = await pointsAt([[0.2, 0.3], [0.6, 0.3], [0.6, 0.55]], size);
    const bAligned = { x: b!.client.x, y: a!.client.y };
    const cAligned = { x: b!.client.x, y: c!.client.y };
    const g = await canvasGeometry();
    const toRaster = (p: { x: number; y: number }) => screenToRaster(g.view, p.x - g.left, p.y - g.top);
    await page.mouse.move(a!.client.x, a!.client.y);
    await page.mouse.down();
    await page.mouse.move(bAligned.x, bAligned.y, { steps: 12 });
    await page.mouse.move(cAligned.x, cAligned.y, { steps: 12 });
    await page.mouse.up();
    expected.beginStroke(a!.raster, { eraser: false, size: brushSize, cls: 3, lock: null });
    expected.strokeTo(toRaster(bAligned));
    expected.strokeTo(toRaster(cAligned));
    expected.endStroke();
    expect(expected.history.undoCount).toBe(1);
    await page.keyboard.press('Control+s');
    await storedEquals(item.id, expected);

    // Undo, then redo: the same stroke comes and goes as one step.
    await page.keyboard.press('Control+z');
    expected.undo();
    await page.keyboard.press('Control+s');
    await storedEquals(item.id, expected);
    await page.keyboard.press('Control+Shift+z');
    expected.redo();
    await page.keyboard.press('Control+s');
    await storedEquals(item.id, expected);

    // Polygon: class 5 (nose), four clicks and Enter.
    await page.keyboard.press('p');
    await page.keyboard.press('5');
    const poly = await pointsAt([[0.1, 0.7], [0.4, 0.65], [0.45, 0.9], [0.15, 0.95]], size);
    for (const p of poly) await page.mouse.click(p.client.x, p.client.y);
    await page.keyboard.press('Enter');
    expected.polygon(poly.map((p) => p.raster), 4, null);

    // Flood fill: class 8 (eyeglasses) into the region under a point near the top-left corner.
    await page.keyboard.press('f');
    await page.keyboard.press('8');
    const [seed] = await pointsAt([[0.03, 0.03]], size);
    await page.mouse.click(seed!.client.x, seed!.client.y);
    expect(expected.fill(seed!.raster, 7, null)).toBe(true);

    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state')).not.toBe('saved');
    await page.keyboard.press('Control+s');
    await storedEquals(item.id, expected);

    // Reload: the editor comes back on the same image and shows the stored mask.
    await page.reload();
    await page.getByTestId('editor-canvas').waitFor();
    await expect.poll(() => page.getByTestId('image-name').textContent()).toBe(item.name);
    const after = await pointsAt([[0.6, 0.4]], size);
    await page.mouse.move(after[0]!.client.x, after[0]!.client.y);
    await expect.poll(() => page.getByTestId('hover-class').textContent()).toContain('eyes');
    await storedEquals(item.id, expected);
    expect(pageErrors).toEqual([]);
  });

  it('autosaves after an idle moment without Ctrl+S', async () => {
    const item = (await api.call('images.list', {})).items[1]!;
    const before = await api.call('masks.get', { id: item.id });
    const expected = new EditorDocument(before.width, before.height, before.labels);
    await page.keyboard.press('e');
    const eraserSize = Number(await page.getByTestId('brush-size').textContent());
    const [p] = await pointsAt([[0.5, 0.5]], { width: before.width, height: before.height });
    await page.mouse.click(p!.client.x, p!.client.y);
    expected.beginStroke(p!.raster, { eraser: true, size: eraserSize, cls: 0, lock: null });
    expected.endStroke();
    await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved');
    await storedEquals(item.id, expected);
    expect((await api.call('masks.get', { id: item.id })).revision).toBeGreaterThan(before.revision);
  });

  it('zooms to the cursor, pans with space-drag, and the class lock protects other classes', async () => {
    const item = (await api.call('images.list', {})).items[1]!;
    const before = await api.call('masks.get', { id: item.id });
    const size = { width: before.width, height: before.height };
    const [p] = await pointsAt([[0.5, 0.45]], size);
    await page.mouse.move(p!.client.x, p!.client.y);
    const g0 = await canvasGeometry();
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await canvasGeometry()).view.scale).toBeGreaterThan(g0.view.scale * 1.2);
    const g1 = await canvasGeometry();
    // The raster point under the cursor stays under the cursor (to within one screen pixel).
    const at0 = (p!.client.x - g0.left - g0.view.x) / g0.view.scale;
    const at1 = (p!.client.x - g1.left - g1.view.x) / g1.view.scale;
    expect(Math.abs(at1 - at0) * g1.view.scale).toBeLessThan(1);

    await page.keyboard.down(' ');
    await page.mouse.down();
    await page.mouse.move(p!.client.x + 40, p!.client.y - 25, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up(' ');
    const g2 = await canvasGeometry();
    expect([g2.view.x - g1.view.x, g2.view.y - g1.view.y]).toEqual([40, -25]);
    expect(g2.view.scale).toBe(g1.view.scale);
    // Panning painted nothing.
    await page.keyboard.press('0');

    // Paint mouth (key 6) over background only, across the face: skin and the rest stay.
    const expected = new EditorDocument(before.width, before.height, before.labels);
    await page.keyboard.press('b');
    await page.keyboard.press('6');
    await page.getByTestId('class-lock').selectOption('0');
    const brush = Number(await page.getByTestId('brush-size').textContent());
    const [a, b] = await pointsAt([[0.05, 0.5], [0.95, 0.5]], size);
    await page.mouse.move(a!.client.x, a!.client.y);
    await page.mouse.down();
    await page.mouse.move(b!.client.x, a!.client.y, { steps: 20 });
    await page.mouse.up();
    const g = await canvasGeometry();
    expected.beginStroke(a!.raster, { eraser: false, size: brush, cls: 5, lock: 0 });
    expected.strokeTo(screenToRaster(g.view, b!.client.x - g.left, a!.client.y - g.top));
    expected.endStroke();
    await page.getByTestId('class-lock').selectOption('');
    await page.keyboard.press('Control+s');
    await storedEquals(item.id, expected);
    // The stroke crossed the face, yet no skin pixel became mouth.
    let skinLost = 0;
    for (let i = 0; i < before.labels.length; i++) if (before.labels[i] === 1 && expected.raster.data[i] !== 1) skinLost++;
    expect(skinLost).toBe(0);
    expect(expected.history.undoCount).toBe(1);
  });

  it('keyboard shortcuts: brush size, tools, classes, help, status, training, navigation, predict', async () => {
    const items = (await api.call('images.list', {})).items;
    await page.keyboard.press('b');
    const size0 = Number(await page.getByTestId('brush-size').textContent());
    await page.keyboard.press(']');
    expect(Number(await page.getByTestId('brush-size').textContent())).toBeGreaterThan(size0);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    expect(Number(await page.getByTestId('brush-size').textContent())).toBeLessThan(size0);

    await page.keyboard.press('e');
    await expect.poll(() => page.getByTestId('tool-eraser').getAttribute('class')).toContain('active');
    await page.keyboard.press('6');
    await expect.poll(() => page.getByTestId('class-5').locator('..').getAttribute('class')).toContain('active');
    await expect.poll(() => page.getByTestId('tool-brush').getAttribute('class')).toContain('active');

    await page.keyboard.press('Shift+?');
    await page.getByTestId('shortcut-help').waitFor();
    expect(await page.getByTestId('shortcut-help').textContent()).toContain('Ctrl+Shift+Z');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcut-help').waitFor({ state: 'detached' });

    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('overlay-outline').isChecked()).toBe(true);
    await page.keyboard.press('o');

    const id = items[1]!.id;
    await page.keyboard.press('r');
    await expect.poll(async () => (await api.call('images.get', { id })).item.status).toBe('reviewed');
    await expect.poll(() => page.getByTestId('image-status').textContent()).toBe('reviewed');
    const training = (await api.call('images.get', { id })).item.inTraining;
    await page.keyboard.press('t');
    await expect.poll(async () => (await api.call('images.get', { id })).item.inTraining).toBe(!training);

    await page.keyboard.press('.');
    await expect.poll(() => page.getByTestId('image-name').textContent()).toBe(items[2]!.name);
    await page.keyboard.press(',');
    await page.keyboard.press(',');
    await expect.poll(() => page.getByTestId('image-name').textContent()).toBe(items[0]!.name);

    // No model is available yet: Predict says so instead of failing silently.
    await page.keyboard.press('m');
    await expect.poll(() => page.getByTestId('predict-error').textContent()).toContain('no model');
    expect(await page.getByTestId('accept-all').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('draws the tool and class-lock icons as SVG, whatever fonts the machine has', async () => {
    for (const tool of ['brush', 'eraser', 'polygon', 'fill']) {
      const icon = page.getByTestId(`tool-${tool}`).locator('svg');
      expect(await icon.locator('path').count(), tool).toBeGreaterThan(0);
      expect((await icon.boundingBox())?.width, tool).toBeGreaterThan(0);
    }
    await page.getByTestId('class-lock').selectOption('1');
    const lock = page.getByTestId('class-locked').locator('svg');
    await lock.waitFor();
    expect((await lock.boundingBox())?.width).toBeGreaterThan(0);
    expect(((await page.getByTestId('class-locked').textContent()) ?? '').trim()).toBe('');
    await page.getByTestId('class-lock').selectOption('');
    expect(pageErrors).toEqual([]);
  });
});
