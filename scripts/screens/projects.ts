// Screenshots of the project room (first start, import preview, import report, export) at
// 1280x720 and 1920x1080, into docs/screens/ (or `--out DIR`). Synthetic faces only: committed
// pictures must never show the (non-redistributable) real photos. `npx tsx scripts/screens/projects.ts`
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../tests/helpers/browser';
import { startServe } from '../../tests/helpers/server';
import { DEFAULT_STYLE, drawFace, type FaceStyle } from '../bench/synthetic-face';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = resolve(outIndex >= 0 ? args[outIndex + 1]! : join(repo, 'docs', 'screens'));
const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
/** Class → CelebAMask-HQ label id (the preset's export values), so the preview has a real mapping to show. */
const CELEBA_ID = [0, 1, 6, 4, 2, 11, 8, 3];
const HAIR_ID = 13;

/** A synthetic dataset in CelebAMask-HQ's layout: images/<name>.jpg, masks/<name>.png with its label ids. */
async function writeDataset(dir: string): Promise<void> {
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'masks'), { recursive: true });
  const skins: [number, number, number][] = [[228, 184, 152], [198, 140, 105], [140, 95, 70], [240, 200, 175], [170, 120, 90]];
  const hairs: [number, number, number][] = [[70, 44, 30], [30, 25, 25], [150, 100, 50], [200, 170, 110], [110, 60, 40]];
  for (let k = 0; k < 12; k++) {
    const style: FaceStyle = { ...DEFAULT_STYLE, skin: skins[k % 5]!, hair: hairs[(k * 3) % 5]!, glasses: k % 3 === 0, dx: ((k % 3) - 1) * 0.03, scale: 0.9 + (k % 4) * 0.05 };
    const face = drawFace(384, 384, style);
    const ids = new Uint8Array(face.labels.length);
    for (let i = 0; i < ids.length; i++) {
      const cls = face.labels[i]!;
      // The drawn hair is background in the 8 classes; CelebAMask-HQ names it (13), and the preview shows it mapped to 0.
      const isHair = cls === 0 && [0, 1, 2].every((c) => Math.abs(face.rgb[i * 3 + c]! - style.hair[c]!) <= 12);
      ids[i] = isHair ? HAIR_ID : CELEBA_ID[cls]!;
    }
    const name = `synthetic-${String(k + 1).padStart(2, '0')}`;
    await sharp(face.rgb, { raw: { width: face.width, height: face.height, channels: 3 } }).blur(0.6).jpeg({ quality: 90 }).toFile(join(dir, 'images', `${name}.jpg`));
    await sharp(ids, { raw: { width: face.width, height: face.height, channels: 1 } }).png().toFile(join(dir, 'masks', `${name}.png`));
  }
  await writeFile(join(dir, 'images', 'README.txt'), 'not a photo: the import lists it as skipped');
}

async function shoot(page: Page, name: string, width: number): Promise<void> {
  // From the top of the room (a click may have scrolled it), as a person arriving there sees it.
  await page.evaluate("document.querySelectorAll('main').forEach((e) => e.scrollTo(0, 0)); window.scrollTo(0, 0)");
  await page.waitForTimeout(300); // let transitions and images settle; pictures, not measurements
  const path = join(outDir, `${name}-${width}.png`);
  await page.screenshot({ path });
  process.stdout.write(`${path}\n`);
}

const work = await mkdtemp(join(tmpdir(), 'facet-screens-'));
try {
  process.env['FACET_RENDERER_DIR'] = join(work, 'renderer');
  const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
  await ensureRendererBuilt({ build: true, force: true });
  await mkdir(outDir, { recursive: true });
  const dataset = join(work, 'my-dataset');
  await writeDataset(dataset);
  const { browser, close } = await launchChromium();
  try {
    for (const viewport of VIEWPORTS) {
      const run = join(work, `run-${viewport.width}`);
      const config = join(run, 'config');
      // A recent list with one project that has since been moved away: shown as missing.
      await mkdir(config, { recursive: true });
      const moved = { dir: join(run, 'old-annotations'), name: 'old-annotations', openedAt: '2026-11-20T10:00:00.000Z' };
      await writeFile(join(config, 'recent-projects.json'), JSON.stringify({ version: 1, projects: [moved] }));
      process.env['FACET_CONFIG_DIR'] = config;
      const serve = await startServe(join(run, 'facet-project'));
      try {
        const page = await browser.newPage({ viewport });
        await page.goto(serve.url);
        await page.getByTestId('first-start').waitFor();
        await page.getByTestId('recent-projects').waitFor();
        await page.getByTestId('create-parent').fill(run);
        await page.getByTestId('create-name').fill('faces-2026');
        await shoot(page, 'project-start', viewport.width);

        await page.getByTestId('create-project').click();
        await page.getByTestId('import-panel').waitFor();
        await page.getByTestId('import-source').fill(dataset);
        await page.getByTestId('import-preset').selectOption('celebamask-hq');
        await page.getByTestId('import-preview-button').click();
        await page.getByTestId('preview-values').waitFor();
        await shoot(page, 'project-import-preview', viewport.width);

        await page.getByTestId('import-start').click();
        await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
        await shoot(page, 'project-import-report', viewport.width);

        await page.getByTestId('tab-export').click();
        await page.getByTestId('export-format').selectOption('cvat-mask');
        await page.getByTestId('export-split').selectOption('test');
        await page.getByTestId('export-out').fill(join(run, 'exports', 'faces-2026-cvat'));
        await page.getByTestId('export-start').click();
        await page.getByTestId('export-report').waitFor({ timeout: 120_000 });
        await shoot(page, 'project-export', viewport.width);
        await page.close();
      } finally {
        await serve.stop();
      }
    }
  } finally {
    await close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
