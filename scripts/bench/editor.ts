// Benchmark (not a test): the mask editor in Chromium on a 2048x2048 synthetic face.
// Measures (1) pointer event → end of the overlay draw that shows it, during a brush stroke,
// and (2) frame intervals and per-frame drawing work while panning and while wheel-zooming.
// Prints p50/p95 (target p95 ≤ 16 ms). `npm run bench:editor [-- --size 2048] [-- --screens docs/screens]`
// With --screens it also saves screenshots of the gallery and the editor, from synthetic images
// only (the real data set must never appear in committed pictures).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../tests/helpers/browser';
import { startServe } from '../../tests/helpers/server';
import sharp from 'sharp';
import { DEFAULT_STYLE, drawFace, writeFace, type FaceStyle } from './synthetic-face';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const size = Number(arg('--size') ?? 2048);
const screens = arg('--screens');
/** `--gallery N`: also import N tiny photos and measure scrolling the virtualised gallery. */
const galleryCount = Number(arg('--gallery') ?? 0);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function line(label: string, values: number[]): string {
  const f = (n: number) => n.toFixed(1).padStart(6);
  return `${label.padEnd(44)} n=${String(values.length).padStart(4)}  p50 ${f(percentile(values, 50))} ms  p95 ${f(percentile(values, 95))} ms  max ${f(Math.max(...values))} ms`;
}

// Page-side code is passed as text: tsx would wrap named functions in a `__name` helper that
// does not exist in the page.
const START_FRAMES = `(() => {
  const perf = window.__facetEditorPerf;
  const f = (window.__frames = { interval: [], work: [], stop: false });
  perf.work = 0;
  let last = performance.now();
  const tick = (now) => {
    if (f.stop) return;
    f.interval.push(now - last);
    f.work.push(perf.work);
    perf.work = 0;
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

// The first interval includes the wait before the phase began; frames without drawing are idle.
const STOP_FRAMES = `(() => {
  const f = window.__frames;
  f.stop = true;
  return { interval: f.interval.slice(1), work: f.work.slice(1).filter((x) => x > 0) };
})()`;

/** Starts recording frames: each rAF stores its interval and the layer drawing work since the last. */
async function startFrames(page: Page): Promise<void> {
  await page.evaluate(START_FRAMES);
}

async function stopFrames(page: Page): Promise<{ interval: number[]; work: number[] }> {
  return page.evaluate<{ interval: number[]; work: number[] }>(STOP_FRAMES);
}

const dir = await mkdtemp(join(tmpdir(), 'facet-bench-editor-'));
try {
  process.env['FACET_RENDERER_DIR'] = join(dir, 'renderer');
  const src = join(dir, 'src');
  await mkdir(join(src, 'images'), { recursive: true });
  await mkdir(join(src, 'masks'), { recursive: true });
  process.stdout.write(`drawing a ${size}x${size} synthetic face${screens ? ' and a gallery of small ones' : ''}...\n`);
  await writeFace(drawFace(size, size), join(src, 'images', `bench-${size}.jpg`), join(src, 'masks', `bench-${size}.png`));
  if (screens) {
    const skins: [number, number, number][] = [[228, 184, 152], [198, 140, 105], [140, 95, 70], [240, 200, 175], [170, 120, 90]];
    const hairs: [number, number, number][] = [[70, 44, 30], [30, 25, 25], [150, 100, 50], [200, 170, 110], [110, 60, 40]];
    const backs: [number, number, number][] = [[120, 150, 190], [170, 190, 150], [200, 170, 160], [150, 150, 170], [180, 200, 210]];
    for (let k = 0; k < 23; k++) {
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
  }
  const project = join(dir, 'project');
  await promisify(execFile)(process.execPath, [join(repo, 'bin/facet.js'), 'import', src, '--project', project, '--preset', 'labels8', '--no-progress']);
  if (galleryCount > 0) {
    process.stdout.write(`drawing and importing ${galleryCount} tiny photos for the gallery...\n`);
    const many = join(dir, 'many', 'images');
    await mkdir(many, { recursive: true });
    for (let k = 0; k < galleryCount; k++) {
      const v = (k * 37) % 200;
      await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 40 + v, g: 90, b: 240 - v } } })
        .jpeg()
        .toFile(join(many, `tiny-${String(k).padStart(5, '0')}.jpg`));
    }
    const started = Date.now();
    await promisify(execFile)(process.execPath, [join(repo, 'bin/facet.js'), 'import', join(dir, 'many'), '--project', project, '--preset', 'images-only', '--no-progress'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(`imported in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const { ensureRendererBuilt } = await import('../../src-main/cli/renderer-build');
  await ensureRendererBuilt({ build: true, force: true });

  const serve = await startServe(project);
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript('window.__facetEditorPerf = { pendingInput: null, inputToDraw: [], inputToNextFrame: [], work: 0, handlerMs: [] };');
    await page.goto(serve.url);
    await page.getByTestId('room-gallery').waitFor();

    if (screens) {
      await page.locator('[data-testid^=gallery-cell-]').nth(12).waitFor();
      await page.waitForTimeout(1500);
      await page.getByTestId('gallery-grid').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.mouse.move(10, 890);
      await page.screenshot({ path: resolve(screens, 'gallery.png') });
      await page.getByTestId('filter-search').fill('face-02');
      await page.getByTestId('filter-search').press('Enter');
      await page.locator('[data-testid^=gallery-cell-]').first().dblclick();
      await page.getByTestId('editor-canvas').waitFor();
      await page.waitForTimeout(800);
      const box = (await page.getByTestId('editor-canvas').boundingBox())!;
      const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
      // A polygon in progress around the chin, the hover readout and an outline-free overlay.
      await page.keyboard.press('p');
      await page.keyboard.press('2');
      for (const [fx, fy] of [[0.4, 0.72], [0.5, 0.8], [0.6, 0.72]] as const) {
        const p = at(fx, fy);
        await page.mouse.click(p.x, p.y);
      }
      const hover = at(0.57, 0.62);
      await page.mouse.move(hover.x, hover.y);
      await page.waitForTimeout(300);
      await page.screenshot({ path: resolve(screens, 'editor.png') });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Shift+?');
      await page.waitForTimeout(300);
      await page.screenshot({ path: resolve(screens, 'editor-shortcuts.png') });
      await page.keyboard.press('Escape');
      await page.getByTestId('nav-gallery').click();
      await page.getByTestId('room-gallery').waitFor();
    }

    let galleryFrames: { interval: number[]; work: number[] } | null = null;
    let galleryCells = 0;
    if (galleryCount > 0) {
      // Scroll the whole virtualised gallery with the wheel, top to bottom.
      await page.locator('[data-testid^=gallery-cell-]').nth(10).waitFor();
      const grid = (await page.getByTestId('gallery-grid').boundingBox())!;
      await page.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
      await startFrames(page);
      for (let i = 0; i < 400; i++) {
        await page.mouse.wheel(0, 400);
        if (i % 50 === 0) galleryCells = Math.max(galleryCells, await page.locator('[data-testid^=gallery-cell-]').count());
      }
      galleryFrames = await stopFrames(page);
    }

    await page.getByTestId('filter-search').fill(`bench-${size}`);
    await page.getByTestId('filter-search').press('Enter');
    await page.getByTestId(/gallery-cell-/).first().waitFor();
    await page.locator('[data-testid^=gallery-cell-]').first().dblclick();
    await page.getByTestId('editor-canvas').waitFor();
    await page.getByTestId('image-name').filter({ hasText: `bench-${size}` }).waitFor();
    await page.waitForTimeout(1000);
    const box = (await page.getByTestId('editor-canvas').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;

    // 1. Brush stroke: a wandering 600-event stroke of 'eyes' with a 49 px brush.
    await page.keyboard.press('b');
    await page.keyboard.press('4');
    for (let k = 0; k < 5; k++) await page.keyboard.press(']');
    const brush = await page.getByTestId('brush-size').textContent();
    await page.mouse.move(cx, cy);
    await startFrames(page);
    await page.mouse.down();
    for (let i = 0; i < 600; i++) {
      const t = i / 40;
      await page.mouse.move(cx + Math.cos(t) * 250 + Math.sin(t * 3.1) * 60, cy + Math.sin(t * 1.3) * 200);
    }
    await page.mouse.up();
    const brushFrames = await stopFrames(page);
    const latency = await page.evaluate<number[]>('window.__facetEditorPerf.inputToDraw.slice()');
    const toFrame = await page.evaluate<number[]>('window.__facetEditorPerf.inputToNextFrame.slice()');
    const handler = await page.evaluate<number[]>('window.__facetEditorPerf.handlerMs.slice()');

    // Control: the same kind of pointer traffic without painting or moving the view (fill tool,
    // hover only), to tell the editor's cost from what the busy machine does to every frame.
    await page.keyboard.press('f');
    await startFrames(page);
    for (let i = 0; i < 300; i++) await page.mouse.move(cx + Math.sin(i / 25) * 300, cy + Math.cos(i / 31) * 200);
    const controlFrames = await stopFrames(page);
    await page.keyboard.press('b');

    // 2. Pan with the middle button.
    await page.mouse.move(cx, cy);
    await startFrames(page);
    await page.mouse.down({ button: 'middle' });
    for (let i = 0; i < 300; i++) await page.mouse.move(cx + Math.sin(i / 25) * 300, cy + Math.cos(i / 31) * 200);
    await page.mouse.up({ button: 'middle' });
    const panFrames = await stopFrames(page);

    // 3. Wheel zoom in and out around the cursor.
    await startFrames(page);
    for (let i = 0; i < 160; i++) {
      await page.mouse.move(cx + Math.sin(i / 10) * 150, cy + Math.cos(i / 13) * 100);
      await page.mouse.wheel(0, i % 80 < 40 ? -60 : 60);
    }
    const zoomFrames = await stopFrames(page);
    const state = await page.getByTestId('save-state').getAttribute('data-state');

    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    process.stdout.write(`\nMask editor, ${size}x${size} mask, Chromium headless (software rendering), brush ${brush} px, load avg ${load}\n`);
    process.stdout.write(`${line('brush: pointer event → overlay drawn', latency)}\n`);
    process.stdout.write(`${line('brush: pointer event → next frame after draw', toFrame)}\n`);
    process.stdout.write(`${line('brush: pointer handler (raster + overlay rect)', handler)}\n`);
    process.stdout.write(`${line('brush: frame interval', brushFrames.interval)}\n`);
    process.stdout.write(`${line('brush: drawing work per frame', brushFrames.work)}\n`);
    process.stdout.write(`${line('control (hover only): frame interval', controlFrames.interval)}\n`);
    process.stdout.write(`${line('pan: frame interval', panFrames.interval)}\n`);
    process.stdout.write(`${line('pan: drawing work per frame', panFrames.work)}\n`);
    process.stdout.write(`${line('zoom: frame interval', zoomFrames.interval)}\n`);
    process.stdout.write(`${line('zoom: drawing work per frame', zoomFrames.work)}\n`);
    if (galleryFrames) {
      process.stdout.write(`${line(`gallery of ${galleryCount + 1}: scroll frame interval`, galleryFrames.interval)}\n`);
      process.stdout.write(`gallery: at most ${galleryCells} cells in the DOM while scrolling\n`);
    }
    const worst = (v: number[]) => [...v].sort((a, b) => b - a).slice(0, 5).map((x) => x.toFixed(0)).join(', ');
    process.stdout.write(`worst brush latencies: ${worst(latency)} ms; worst pan frames: ${worst(panFrames.interval)} ms\n`);
    process.stdout.write(`(editor save state after the stroke: ${state})\n`);
  } finally {
    await close();
    await serve.stop();
  }
} finally {
  if (!args.includes('--keep')) await rm(dir, { recursive: true, force: true });
}
