// The folder batch in-process: naming clashes, cancellation mid-batch, resume from the summary,
// and the guard that keeps the output folder out of the input folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFolders, segmentFolder } from '../../src-main/segment/batch';
import { probabilityModelFromLoaded } from '../../src-main/segment/model';
import { formatSummary, parseCsv, readSummary } from '../../src-main/segment/summary';
import type { ProbabilityModel } from '../../src-main/segment/types';
import { walkPhotos } from '../../src-main/segment/walk';
import { tempDir } from '../helpers/temp';
import { tinyModel } from './model-fixture';

async function photo(path: string, width: number, height: number, shade: number, format: 'jpeg' | 'png' = 'jpeg'): Promise<void> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: shade, g: 255 - shade, b: (shade * 7) % 256 } } });
  await writeFile(path, await (format === 'png' ? image.png() : image.jpeg()).toBuffer());
}

describe('segment batch', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let inDir: string;
  let model: ProbabilityModel;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-segment-batch-'));
    inDir = join(root, 'in');
    await mkdir(join(inDir, 'x/y'), { recursive: true });
    await photo(join(inDir, 'same.jpg'), 40, 30, 10);
    await photo(join(inDir, 'same.png'), 30, 40, 200, 'png');
    for (let i = 0; i < 6; i++) await photo(join(inDir, `x/y/p${i}.jpg`), 50 + i, 20 + i, 30 * i);
    model = probabilityModelFromLoaded(await tinyModel(32));
  });

  afterAll(async () => {
    model?.dispose();
    await cleanup?.();
  });

  it('gives photos whose masks would clash their full names', async () => {
    const { photos } = await walkPhotos(inDir);
    const masks = Object.fromEntries(photos.map((p) => [p.rel, p.mask]));
    expect(masks['same.jpg']).toBe('same.jpg.png');
    expect(masks['same.png']).toBe('same.png.png');
    expect(masks['x/y/p0.jpg']).toBe('x/y/p0.png');
  });

  it('refuses overlapping input and output folders', async () => {
    await expect(checkFolders(inDir, join(inDir, 'out'))).rejects.toThrow(/must not be inside the input folder/);
    await expect(checkFolders(inDir, inDir)).rejects.toThrow(/must not be inside/);
    await expect(checkFolders(join(inDir, 'x'), inDir)).rejects.toThrow(/must not be inside the output folder/);
    await expect(checkFolders(join(root, 'missing'), join(root, 'o'))).rejects.toThrow(/input folder not found/);
  });

  it('stops when cancelled, keeps a valid summary, and a re-run finishes the rest', async () => {
    const outDir = join(root, 'out-cancel');
    const controller = new AbortController();
    const seen: string[] = [];
    const first = await segmentFolder({
      inDir,
      outDir,
      model,
      signal: controller.signal,
      onProgress(p) {
        seen.push(`${p.outcome}:${p.file}`);
        if (p.done === 3) controller.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    expect(first.segmented).toBe(3);
    expect((await readSummary(join(outDir, 'summary.csv'))).size).toBe(3);
    const second = await segmentFolder({ inDir, outDir, model });
    expect(second).toMatchObject({ cancelled: false, segmented: 5, skipped: 3, total: 8 });
    const rows = await readSummary(join(outDir, 'summary.csv'));
    expect([...rows.keys()]).toEqual(['same.jpg', 'same.png', ...[0, 1, 2, 3, 4, 5].map((i) => `x/y/p${i}.jpg`)]);
    const text = await readFile(join(outDir, 'summary.csv'), 'utf8');
    expect(text.split('\n')[0]).toContain('frac_eyeglasses');
  });

  it('writes and reads CSV fields with commas, quotes and newlines', () => {
    const row = { file: 'a, "b"\nc.jpg', mask: 'm.png', status: 'error' as const, width: 1, height: 2, faces: 0, fractions: new Array(8).fill(0.125), seconds: 0.5, error: 'bad, "very"' };
    const parsed = parseCsv(formatSummary([row]));
    expect(parsed[1]?.[0]).toBe(row.file);
    expect(parsed[1]?.at(-1)).toBe(row.error);
  });
});
