// A first start without a terminal, in Chromium through `facet serve`: the start screen, a new
// project, a folder of real CelebAMask-HQ photos and masks imported through the folder picker
// after a preview of its label mapping (checked against the mask file itself), the report of
// every file, an export in each format the page offers, and reopening the project from the
// host's recent list in a fresh tab.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { EXPORT_FORMATS, type ExportFormatName } from '../../src-main/contract/project-files';
import { decodePng8 } from '../../src-main/dataset/io/png8';
import { loadPreset } from '../../src-main/dataset/presets/load';
import { apiClient, type TestApiClient } from '../helpers/api-client';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsChromium, needsData } from '../helpers/requirements';
import { startServe, type ServeProcess } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { launchChromium } from '../helpers/browser';

const PHOTOS = 4;
/** A file each format's export writes (a format offered without a line here fails the test). */
const LAYOUT: Record<ExportFormatName, string> = {
  labels8: 'masks',
  'seed-18': 'masks',
  'celebamask-hq': 'masks',
  coco: 'annotations/instances_default.json',
  'cvat-mask': 'labelmap.txt',
  'label-studio': 'tasks.json',
};

describeWith([needsChromium(), needsData()], 'projects, import and export in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let api: TestApiClient;
  let root: string;
  let names: string[];
  let cleanup: () => Promise<void>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await tempDir('facet-projects-e2e-');
    ({ dir: root, cleanup } = t);
    // A few real pairs, copied (the shared data set is never written to).
    names = (await readdir(join(celebaDir(), 'images'))).filter((f) => f.endsWith('.jpg')).sort().slice(0, PHOTOS).map((f) => f.slice(0, -4));
    await mkdir(join(root, 'dataset', 'images'), { recursive: true });
    await mkdir(join(root, 'dataset', 'masks'), { recursive: true });
    for (const n of names) {
      await copyFile(join(celebaDir(), 'images', `${n}.jpg`), join(root, 'dataset', 'images', `${n}.jpg`));
      await copyFile(join(celebaDir(), 'masks', `${n}.png`), join(root, 'dataset', 'masks', `${n}.png`));
    }
    // This host's recent list starts empty: a config folder of its own.
    const saved = process.env['FACET_CONFIG_DIR'];
    process.env['FACET_CONFIG_DIR'] = join(root, 'config');
    try {
      serve = await startServe(join(root, 'default-project'));
    } finally {
      if (saved === undefined) delete process.env['FACET_CONFIG_DIR'];
      else process.env['FACET_CONFIG_DIR'] = saved;
    }
    api = await apiClient(serve);
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    api?.close();
    await closeBrowser?.();
    await serve?.stop();
    await cleanup?.();
  });

  it('starts on the first screen, not an empty gallery', async () => {
    await page.goto(serve.url);
    await page.getByTestId('first-start').waitFor();
    expect(await page.getByTestId('room-project').isVisible()).toBe(true);
    expect(await page.getByTestId('first-start').textContent()).toContain('no images yet');
    expect(await page.content()).not.toContain('facet import');
    await expect.poll(() => page.title()).toBe('default-project — Facet Studio');
    expect(await page.getByTestId('project-dir').textContent()).toContain('default-project');
  });

  it('creates a project; the title and the status bar say which one is open', async () => {
    await page.getByTestId('create-parent').fill(root);
    await page.getByTestId('create-name').fill('faces');
    await page.getByTestId('create-project').click();
    await expect.poll(() => page.title()).toBe('faces — Facet Studio');
    expect(await page.getByTestId('project-dir').textContent()).toContain(join(root, 'faces'));
    await page.getByTestId('import-panel').waitFor();
    // The test's own client looks at the same project.
    await api.call('project.open', { dir: join(root, 'faces') });
  });

  it('previews how the source labels map to the 8 classes on one of the real masks, writing nothing', async () => {
    // The folder picker, from the parent folder down into the dataset.
    await page.getByTestId('import-source').fill(root);
    await page.getByTestId('import-browse').click();
    await page.getByTestId('picker-folder-dataset').click();
    await expect.poll(() => page.getByTestId('picker-path').textContent()).toBe(join(root, 'dataset'));
    await page.getByTestId('picker-choose').click();
    await page.getByTestId('import-preset').selectOption('celebamask-hq');
    await page.getByTestId('import-preview').waitFor();
    await page.getByTestId('preview-values').waitFor();
    expect(await page.getByTestId('preview-counts').textContent()).toContain(`${PHOTOS} images found, ${PHOTOS} with a mask`);
    expect(await page.getByTestId('preview-name').textContent()).toBe(names[0]);

    // Every raw value of the first mask is listed with the class the preset gives it.
    const preset = loadPreset('celebamask-hq');
    const mask = decodePng8(await readFile(join(root, 'dataset', 'masks', `${names[0]}.png`)));
    const values = [...new Set(mask.samples)].sort((a, b) => a - b);
    const rows = await page
      .getByTestId('preview-values')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => ({ value: tr.querySelector('[data-testid=value]')?.textContent ?? '', becomes: tr.querySelector('[data-testid=becomes]')?.textContent ?? '' })));
    expect(rows.map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual(values);
    for (const r of rows) expect(r.becomes.trim(), `raw value ${r.value}`).toMatch(new RegExp(`^${preset.valueToClass[Number(r.value)]} `));
    // The mapped mask is drawn: some pixels of the overlay are not background.
    const painted = await page.getByTestId('preview-mask').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(0);
    await page.getByTestId('preview-next').click();
    await expect.poll(() => page.getByTestId('preview-pair').textContent()).toBe(`2 / ${PHOTOS}`);
    expect(await page.getByTestId('preview-name').textContent()).toBe(names[1]);

    expect((await api.call('project.summary', {})).imageCount).toBe(0);
  });

  it('imports with the chosen splits and shows the report of every file', async () => {
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-summary').textContent()).toContain(`${PHOTOS} imported`);
    const rows = await page.getByTestId('report-row').allTextContents();
    expect(rows).toHaveLength(PHOTOS);
    for (const n of names) expect(rows.some((r) => r.includes(`${n}.jpg`) && r.includes('imported'))).toBe(true);
    const summary = await api.call('project.summary', {});
    expect(summary.imageCount).toBe(PHOTOS);
    expect(summary.byStatus.done).toBe(PHOTOS);
    expect(await page.getByTestId('project-counts').textContent()).toContain(`${PHOTOS} images`);
  });

  it('exports in every format the page offers, with overlays', async () => {
    await page.getByTestId('tab-export').click();
    const formats = await page.getByTestId('export-format').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(formats).toEqual(EXPORT_FORMATS.map((f) => f.name));
    for (const format of formats) {
      const out = join(root, 'exports', format);
      await page.getByTestId('export-format').selectOption(format);
      await page.getByTestId('export-overlay').check();
      await page.getByTestId('export-out').fill(out);
      await page.getByTestId('export-start').click();
      await expect.poll(() => page.getByTestId('export-report').textContent().catch(() => ''), { timeout: 60_000 }).toContain(`as ${format}`);
      expect(await page.getByTestId('export-report').textContent()).toContain(`${PHOTOS} masks exported`);
      expect((await readdir(join(out, 'overlays'))).sort()).toEqual(names.map((n) => `${n}.jpg`));
      expect(existsSync(join(out, LAYOUT[format as ExportFormatName] ?? `(no layout listed for ${format})`)), `${format}'s layout`).toBe(true);
    }
    // celebamask-hq exports the preset's own ids: the import of a real mask and its export agree on every class.
    const preset = loadPreset('celebamask-hq');
    const source = decodePng8(await readFile(join(root, 'dataset', 'masks', `${names[0]}.png`)));
    const exported = decodePng8(await readFile(join(root, 'exports', 'celebamask-hq', 'masks', `${names[0]}.png`)));
    for (let i = 0; i < source.samples.length; i += 997) {
      expect(preset.valueToClass[exported.samples[i]!]).toBe(preset.valueToClass[source.samples[i]!]);
    }
    // An export into the project itself is refused with the host's reason.
    await page.getByTestId('export-out').fill(join(root, 'faces', 'out'));
    await page.getByTestId('export-start').click();
    await expect.poll(() => page.getByTestId('export-error').textContent().catch(() => '')).toContain('outside the project');
  });

  it('keeps the project over a reload, and reopens it from the recent list in a fresh tab', async () => {
    await page.reload();
    await expect.poll(() => page.title()).toBe('faces — Facet Studio');
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      // A new tab is a new session, on the host's project (still empty): the first screen, with the recent list.
      await fresh.goto(serve.url);
      await fresh.getByTestId('recent-faces').waitFor();
      await fresh.getByTestId('recent-faces').getByTestId('recent-open').click();
      await expect.poll(() => fresh.title()).toBe('faces — Facet Studio');
      await fresh.getByTestId('project-to-gallery').click();
      await fresh.getByTestId('room-gallery').waitFor();
      await expect.poll(() => fresh.getByTestId('gallery-total').textContent()).toContain(`${PHOTOS}`);
    } finally {
      await fresh.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
