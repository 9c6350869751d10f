// Screenshots of the gallery (masks over the thumbnails, a multi-selection, class shares on
// hover) and of the editor with its history panel comparing a revision, at 1280x720 and
// 1920x1080, into docs/screens/. Synthetic faces only: the real data set never appears in
// committed pictures. `npx tsx scripts/screens/gallery.ts [--out docs/screens]`
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium } from '../../tests/helpers/browser';
import { startServe } from '../../tests/helpers/server';
import { DEFAULT_STYLE, drawFace, writeFace, type FaceStyle } from '../bench/synthetic-face';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 ? args[outIndex + 1]! : join(repo, 'docs/screens'));
const SIZES = [
  [1280, 720],
  [1920, 1080],
] as const;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'facet-screens-'));
  try {
    const src = join(dir, 'src');
    await mkdir(join(src, 'images'), { recursive: true });
    await mkdir(join(src, 'masks'), { recursive: true });
    const skins: [number, number, number][] = [[228, 184, 152], [198, 140, 105], [140, 95, 70], [240, 200, 175], [170, 120, 90]];
    const hairs: [number, number, number][] = [[70, 44, 30], [30, 25, 25], [150, 100, 50], [200, 170, 110], [110, 60, 40]];
    const backs: [number, number, number][] = [[120, 150, 190], [170, 190, 150], [200, 170, 160], [150, 150, 170], [180, 200, 210]];
    for (let k = 0; k < 30; k++) {
      const style: FaceStyle = {
        ...DEFAULT_STYLE,
        skin: skins[k % 5]!,
        hair: hairs[(k * 3) % 5]!,
        backdrop: backs[(k * 2) % 5]!,
        glasses: k % 4 === 1,
        dx: ((k % 3) - 1) * 0.03,
        dy: (((k * 7) % 5) - 2) * 0.015,
        scale: 0.9 + (k % 4) * 0.05,
      };
      const name = `face-${String(k + 1).padStart(2, '0')}`;
      await writeFace(drawFace(512, 512, style), join(src, 'images', `${name}.jpg`), join(src, 'masks', `${name}.png`));
    }
    const project = join(dir, 'project');
    await promisify(execFile)(process.execPath, [join(repo, 'bin/facet.js'), 'import', src, '--project', project, '--preset', 'labels8', '--no-progress']);
    const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
    await ensureRendererBuilt({ build: true, force: true });
    const serve = await startServe(project);
    const { browser, close } = await launchChromium();
    try {
      await mkdir(out, { recursive: true });
      for (const [width, height] of SIZES) {
        const page = await browser.newPage({ viewport: { width, height } });
        await page.goto(serve.url);
        await page.getByTestId('room-gallery').waitFor();
        await page.locator('[data-testid^=gallery-cell-]').nth(12).waitFor();
        if (!(await page.getByTestId('toggle-masks').isChecked())) await page.getByTestId('toggle-masks').check();
        const cells = page.locator('[data-testid^=gallery-cell-]');
        await cells.nth(1).click();
        await cells.nth(4).click({ modifiers: ['Shift'] });
        await cells.nth(7).click({ modifiers: ['Control'] });
        await cells.nth(9).hover();
        await page.waitForTimeout(1500);
        await page.screenshot({ path: join(out, `gallery-${width}x${height}.png`) });

        // The editor: an edit saved as revision 2, the history open comparing revision 1.
        await page.keyboard.press('Escape');
        await cells.nth(2).dblclick();
        const canvas = page.getByTestId('editor-canvas');
        await canvas.waitFor();
        await page.waitForTimeout(500);
        const box = (await canvas.boundingBox())!;
        await page.keyboard.press('b');
        await page.keyboard.press('3');
        await page.mouse.move(box.x + box.width * 0.42, box.y + box.height * 0.36);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.58, box.y + box.height * 0.36, { steps: 12 });
        await page.mouse.up();
        await page.keyboard.press('Control+s');
        await page.waitForFunction(() => document.querySelector('[data-testid=save-state]')?.getAttribute('data-state') === 'saved');
        const history = page.getByTestId('history-panel');
        if (!(await history.getAttribute('open'))) await history.locator('summary').click();
        await page.getByTestId('view-revision-1').click();
        await page.getByTestId('revision-compare').waitFor();
        await page.mouse.move(5, height - 5);
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(out, `editor-history-${width}x${height}.png`) });
        await page.getByTestId('close-compare').click();
        // The model's proposal: Accept all and Discard must show without scrolling.
        await page.getByTestId('predict').click();
        await page.getByTestId('accept-all').waitFor({ timeout: 120_000 });
        await page.waitForTimeout(300);
        const accept = (await page.getByTestId('accept-all').boundingBox())!;
        const discard = (await page.getByTestId('discard-proposal').boundingBox())!;
        process.stdout.write(`${width}x${height}: Accept all bottom ${Math.round(accept.y + accept.height)} px, Discard bottom ${Math.round(discard.y + discard.height)} px of ${height}\n`);
        await page.screenshot({ path: join(out, `editor-proposal-${width}x${height}.png`) });
        await page.keyboard.press('Escape');
        await page.getByTestId('nav-gallery').click();
        await page.close();
      }
    } finally {
      await close();
      await serve.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(`screenshots in ${out}\n`);
}

await main();
