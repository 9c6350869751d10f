import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder, type ImportOptions } from '../../src-main/dataset/import';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { listRevisions, readMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore, type ProjectStore } from '../../src-main/dataset/store/store';
import { displayBytes } from '../../src-main/dataset/thumbnails';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';
import { bands, histogram, makeMaskPng, makePhoto, makeRgbMask } from './fixtures/make';
import { snapshot } from './fixtures/project';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-import-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

let counter = 0;
function freshStore(): ProjectStore {
  return openStore(join(root, `project-${++counter}`), { create: true });
}

function run(store: ProjectStore, source: string, preset: string, extra: Partial<ImportOptions> = {}) {
  return importFolder(store, { source, preset: loadPreset(preset), mode: 'copy', ...extra });
}

/** The README's mapping of CelebAMask-HQ labels to the 8 classes, written out independently of the preset file. */
const CELEBA_TO_8: Record<number, number> = { 1: 1, 6: 2, 7: 2, 4: 3, 5: 3, 2: 4, 10: 5, 11: 5, 12: 5, 8: 6, 9: 6, 3: 7 };

describeWith([needsData()], 'import of celebamask-hq-800', () => {
  let store: ProjectStore;
  let names: string[];
  let source: string;

  beforeAll(async () => {
    // Every 5th image (161 of 801), linked from a temp folder: the data is never copied into the repo.
    const all = (await readdir(join(celebaDir(), 'images'))).filter((f) => f.endsWith('.jpg')).sort();
    names = all.filter((_, i) => i % 5 === 0).map((f) => f.slice(0, -4));
    source = join(root, 'celeba-subset');
    await mkdir(join(source, 'images'), { recursive: true });
    await mkdir(join(source, 'masks'), { recursive: true });
    for (const n of names) {
      await symlink(join(celebaDir(), 'images', `${n}.jpg`), join(source, 'images', `${n}.jpg`));
      await symlink(join(celebaDir(), 'masks', `${n}.png`), join(source, 'masks', `${n}.png`));
    }
    store = freshStore();
  });

  it('imports every image with exactly the class pixel counts of a direct mapping of the source masks', async () => {
    const progress: number[] = [];
    const report = await run(store, source, 'celebamask-hq', { onProgress: (p) => progress.push(p.done) });
    expect(report.skipped).toBe(0);
    expect(report.imported).toBe(names.length);
    expect(progress.at(-1)).toBe(names.length);
    for (const name of names) {
      const row = store.rowByName(name)!;
      expect(row).not.toBeNull();
      const raw = decode(await readFile(join(celebaDir(), 'masks', `${name}.png`)));
      const expected = new Array<number>(8).fill(0);
      for (const v of raw.data as Uint8Array) expected[CELEBA_TO_8[v] ?? 0]!++;
      const mask = await readMask(store, row.id);
      expect([mask.width, mask.height, mask.revision]).toEqual([raw.width, raw.height, 1]);
      expect(histogram(mask.labels), name).toEqual(expected);
      expect(row).toMatchObject({ status: 'done', width: 512, height: 512, orientation: 1 });
      // A masked import is done, so it is in the training set exactly when its split is train.
      expect(row.in_training).toBe(row.split === 'train' ? 1 : 0);
    }
    // The photos are copied byte for byte.
    const first = store.rowByName(names[0]!)!;
    expect((await readFile(store.path(first.file))).equals(await readFile(join(celebaDir(), 'images', `${names[0]}.jpg`)))).toBe(true);
    expect(listRevisions(store, first.id)).toEqual([expect.objectContaining({ revision: 1, author: 'import', kind: 'import:celebamask-hq' })]);
    // Gallery thumbnails are made during import (longest side 160).
    const thumb = await sharp(join(store.dir, 'thumbs', `${first.id}-160.jpg`)).metadata();
    expect([thumb.width, thumb.height]).toEqual([160, 160]);
  });

  it('splits 80/10/10 with glasses and ears in every split', () => {
    const rows = store.allRows();
    const splits = ['train', 'val', 'test'] as const;
    for (const s of splits) {
      const inSplit = rows.filter((r) => r.split === s);
      expect(inSplit.some((r) => r.classes & (1 << 7)), `glasses in ${s}`).toBe(true);
      expect(inSplit.some((r) => r.classes & (1 << 6)), `ears in ${s}`).toBe(true);
    }
    const summary = store.summary();
    expect(summary.bySplit.unassigned).toBe(0);
    expect(summary.bySplit.train).toBeGreaterThan(summary.bySplit.val * 6);
  });

  it('re-imports as unchanged and keeps every split', async () => {
    const before = await snapshot(store);
    const report = await run(store, source, 'celebamask-hq', { split: { kind: 'auto', seed: 99 } });
    expect(report.imported).toBe(0);
    expect(report.files.every((f) => f.outcome === 'unchanged' && f.reason === 'already in the project, unchanged')).toBe(true);
    expect([report.unchanged, report.skipped]).toEqual([names.length, 0]);
    const after = await snapshot(store);
    expect(after.rows).toEqual(before.rows);
    expect(after.files).toEqual(before.files);
  });
});

describe('import of synthetic folders', () => {
  let good: string;
  beforeAll(async () => {
    good = join(root, 'good');
    for (let i = 0; i < 4; i++) {
      await makePhoto(join(good, 'images', `face${i}.jpg`), 32, 24);
      await makeMaskPng(join(good, 'masks', `face${i}.png`), bands(32, 24, i), 32, 24);
    }
  });

  async function bad(name: string, build: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(root, `bad-${name}`);
    await rm(dir, { recursive: true, force: true });
    await build(dir);
    return dir;
  }

  /** Imports `source` into a project that already holds `good`: returns the reasons; the project must not change. */
  async function expectRejected(source: string, preset = 'labels8'): Promise<string[]> {
    const store = freshStore();
    expect((await run(store, good, 'labels8')).imported).toBe(4);
    const before = await snapshot(store);
    const report = await run(store, source, preset);
    expect(report.imported).toBe(0);
    expect(await snapshot(store)).toEqual(before);
    return report.files.filter((f) => f.outcome === 'skipped').map((f) => f.reason ?? '');
  }

  it('rejects a mask value the preset does not name, listing the file and values', async () => {
    const src = await bad('value', async (d) => {
      await makePhoto(join(d, 'images', 'x.jpg'), 8, 8);
      const samples = bands(8, 8, 0);
      samples[5] = 9;
      samples[6] = 42;
      await makeMaskPng(join(d, 'masks', 'x.png'), samples, 8, 8);
    });
    expect(await expectRejected(src)).toEqual([`${join(src, 'masks', 'x.png')}: mask values 9, 42 not named by preset labels8`]);
  });

  it('rejects an image/mask size mismatch', async () => {
    const src = await bad('size', async (d) => {
      await makePhoto(join(d, 'images', 'x.jpg'), 16, 8);
      await makeMaskPng(join(d, 'masks', 'x.png'), bands(8, 8, 0), 8, 8);
    });
    const [reason] = await expectRejected(src);
    expect(reason).toBe(`${join(src, 'masks', 'x.png')}: size mismatch: mask is 8x8 but image ${join(src, 'images', 'x.jpg')} is 16x8`);
  });

  it('rejects truncated and corrupt files', async () => {
    const src = await bad('corrupt', async (d) => {
      await makePhoto(join(d, 'images', 'cut.jpg'), 64, 64);
      const bytes = await readFile(join(d, 'images', 'cut.jpg'));
      await writeFile(join(d, 'images', 'cut.jpg'), bytes.subarray(0, bytes.length >> 1));
      await makeMaskPng(join(d, 'masks', 'cut.png'), bands(64, 64, 0), 64, 64);
      await makePhoto(join(d, 'images', 'badmask.jpg'), 8, 8);
      const mask = join(d, 'masks', 'badmask.png');
      await makeMaskPng(mask, bands(8, 8, 0), 8, 8);
      const m = await readFile(mask);
      await writeFile(mask, m.subarray(0, m.length - 20));
    });
    const reasons = await expectRejected(src);
    expect(reasons).toHaveLength(2);
    expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^${join(src, 'masks', 'badmask.png')}: truncated`)));
    expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^${join(src, 'images', 'cut.jpg')}: truncated or corrupt image`)));
  });

  it('rejects non-images: a text file named .jpg and a stray file', async () => {
    const src = await bad('nonimage', async (d) => {
      await mkdir(join(d, 'images'), { recursive: true });
      await mkdir(join(d, 'masks'), { recursive: true });
      await writeFile(join(d, 'images', 'fake.jpg'), 'hello, not a photo');
      await writeFile(join(d, 'images', 'notes.txt'), 'notes');
    });
    const reasons = await expectRejected(src, 'images-only');
    expect(reasons).toContainEqual(`${join(src, 'images', 'fake.jpg')}: not an image (unsupported or unknown format)`);
    expect(reasons).toContainEqual(expect.stringContaining(`${join(src, 'images', 'notes.txt')}: not an image file`));
  });

  it('rejects duplicate names in the source and a different photo under a name the project has', async () => {
    const dup = await bad('dup', async (d) => {
      await makePhoto(join(d, 'images', 'twin.jpg'), 8, 8);
      await makePhoto(join(d, 'images', 'twin.png'), 8, 8, { format: 'png' });
    });
    const reasons = await expectRejected(dup, 'images-only');
    expect(reasons).toEqual([
      `${join(dup, 'images', 'twin.jpg')}: duplicate name: twin.jpg and twin.png are both image "twin"`,
      `${join(dup, 'images', 'twin.png')}: duplicate name: twin.jpg and twin.png are both image "twin"`,
    ]);
    const clash = await bad('clash', async (d) => {
      await makePhoto(join(d, 'images', 'face1.jpg'), 32, 24, { format: 'png' });
    });
    const [reason] = await expectRejected(clash, 'images-only');
    expect(reason).toMatch(new RegExp(`^${join(clash, 'images', 'face1.jpg')}: duplicate name: the project already has a different image named "face1"`));
  });

  it('rejects an unreadable folder without touching the project', async () => {
    const store = freshStore();
    await run(store, good, 'labels8');
    const before = await snapshot(store);
    const missing = join(root, 'no-such-folder');
    await expect(run(store, missing, 'labels8')).rejects.toThrow(`${missing}: folder not found`);
    const file = join(good, 'images', 'face0.jpg');
    await expect(run(store, file, 'labels8')).rejects.toThrow(`${file}: not a folder`);
    const noMasks = await bad('nomasks', async (d) => makePhoto(join(d, 'images', 'a.jpg'), 8, 8));
    await expect(run(store, noMasks, 'labels8')).rejects.toThrow(`${join(noMasks, 'masks')}: preset labels8 expects its masks in this folder`);
    expect(await snapshot(store)).toEqual(before);
  });

  it('imports the good items of a mixed folder and reports each file', async () => {
    const src = await bad('mixed', async (d) => {
      await makePhoto(join(d, 'images', 'ok.jpg'), 8, 8);
      await makeMaskPng(join(d, 'masks', 'ok.png'), bands(8, 8, 1), 8, 8);
      await makePhoto(join(d, 'images', 'nomask.jpg'), 8, 8);
      await makePhoto(join(d, 'images', 'wrong.jpg'), 8, 8);
      await makeMaskPng(join(d, 'masks', 'wrong.png'), new Uint8Array(64).fill(200), 8, 8);
      await makeMaskPng(join(d, 'masks', 'orphan.png'), bands(8, 8, 1), 8, 8);
    });
    const store = freshStore();
    const report = await run(store, src, 'labels8');
    expect(report.imported).toBe(2);
    expect(report.files.map((f) => [f.file, f.outcome]).sort()).toEqual(
      [
        [join(src, 'images', 'nomask.jpg'), 'imported'],
        [join(src, 'images', 'ok.jpg'), 'imported'],
        [join(src, 'images', 'wrong.jpg'), 'skipped'],
        [join(src, 'masks', 'orphan.png'), 'skipped'],
      ].sort(),
    );
    expect(store.rowByName('nomask')).toMatchObject({ status: 'unlabeled', mask_revision: 0, in_training: 0 });
    expect(store.rowByName('wrong')).toBeNull();
    expect(await readdir(join(store.dir, 'masks'))).toHaveLength(1);
  });

  it('applies EXIF orientation once: the stored photo is upright and shares the mask geometry', async () => {
    const src = await bad('exif', async (d) => {
      await makePhoto(join(d, 'images', 'turned.jpg'), 40, 24, { orientation: 6 });
      await makeMaskPng(join(d, 'masks', 'turned.png'), bands(24, 40, 2), 24, 40);
    });
    for (const mode of ['copy', 'link'] as const) {
      const store = freshStore();
      const report = await run(store, src, 'labels8', { mode });
      expect(report.imported, JSON.stringify(report.files)).toBe(1);
      const row = store.rowByName('turned')!;
      expect([row.width, row.height]).toEqual([24, 40]);
      const shown = await displayBytes(store, row);
      const meta = await sharp(shown.bytes).metadata();
      // What the browser gets is upright with no orientation left to apply.
      expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([24, 40, 1]);
      const mask = await readMask(store, row.id);
      expect([mask.width, mask.height]).toEqual([24, 40]);
      if (mode === 'copy') expect(row).toMatchObject({ orientation: 1, format: 'png', linked: 0 });
      else expect(row).toMatchObject({ orientation: 6, linked: 1, file: join(src, 'images', 'turned.jpg') });
    }
    const sideways = await bad('exif-mismatch', async (d) => {
      await makePhoto(join(d, 'images', 'turned.jpg'), 40, 24, { orientation: 6 });
      await makeMaskPng(join(d, 'masks', 'turned.png'), bands(40, 24, 2), 40, 24);
    });
    const [reason] = await expectRejected(sideways);
    expect(reason).toContain("size mismatch: mask is 40x24 but image");
    expect(reason).toContain('EXIF orientation 6');
  });

  it('imports images-only folders (flat) as unlabeled, and PNG/WebP/TIFF photos', async () => {
    const src = await bad('flat', async (d) => {
      await makePhoto(join(d, 'a.jpg'), 10, 12);
      await makePhoto(join(d, 'b.png'), 10, 12, { format: 'png' });
      await makePhoto(join(d, 'c.webp'), 10, 12, { format: 'webp' });
      await makePhoto(join(d, 'd.tiff'), 10, 12, { format: 'tiff' });
    });
    const store = freshStore();
    const report = await run(store, src, 'images-only');
    expect(report.imported).toBe(4);
    expect(store.summary().byStatus.unlabeled).toBe(4);
    // TIFF is stored as PNG so that browsers can show it.
    expect(store.rowByName('d')).toMatchObject({ format: 'png', file: join('images', 'd.png') });
    const mask = await readMask(store, store.rowByName('a')!.id);
    expect(mask.revision).toBe(0);
    expect(mask.labels.every((v) => v === 0)).toBe(true);
  });

  it('reads colour masks through a user colour map', async () => {
    const src = await bad('color', async (d) => {
      await makePhoto(join(d, 'images', 'c.jpg'), 4, 1);
      await makeRgbMask(join(d, 'masks', 'c.png'), Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 0, 0]), 4, 1);
    });
    const store = freshStore();
    const report = await importFolder(store, { source: src, preset: loadPreset('color', { colorMap: { '#000000': 0, '#ff0000': 7, '#00ff00': 3 } }), mode: 'copy' });
    expect(report.imported).toBe(1);
    expect(Array.from((await readMask(store, store.rowByName('c')!.id)).labels)).toEqual([0, 7, 3, 7]);
  });

  it('updates a changed mask as a new revision, keeping the earlier one, and keeps fixed splits', async () => {
    const store = freshStore();
    const fixedSplits = new Map([['face0', 'test' as const]]);
    await run(store, good, 'labels8', { fixedSplits });
    const id = store.rowByName('face0')!.id;
    const splitsBefore = store.allRows().map((r) => [r.name, r.split]);
    const changed = await bad('changed', async (d) => {
      await mkdir(join(d, 'images'), { recursive: true });
      await writeFile(join(d, 'images', 'face0.jpg'), await readFile(join(good, 'images', 'face0.jpg')));
      await makeMaskPng(join(d, 'masks', 'face0.png'), bands(32, 24, 5), 32, 24);
    });
    const report = await run(store, changed, 'labels8', { split: { kind: 'auto', seed: 12345 } });
    expect(report.files).toEqual([expect.objectContaining({ outcome: 'updated' })]);
    expect(listRevisions(store, id).map((r) => [r.revision, r.kind])).toEqual([
      [1, 'import:labels8'],
      [2, 'import:labels8'],
    ]);
    expect(Buffer.from((await readMask(store, id, 1)).labels).equals(Buffer.from(bands(32, 24, 0)))).toBe(true);
    expect(Buffer.from((await readMask(store, id)).labels).equals(Buffer.from(bands(32, 24, 5)))).toBe(true);
    expect(store.allRows().map((r) => [r.name, r.split])).toEqual(splitsBefore);
    expect(store.rowByName('face0')).toMatchObject({ split: 'test', split_fixed: 1 });
  });

  it('runs one import per project at a time', async () => {
    const store = freshStore();
    const [a, b] = await Promise.allSettled([run(store, good, 'labels8'), run(store, good, 'labels8')]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = (a.status === 'rejected' ? a : b) as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'busy', message: expect.stringContaining(`another import is running (process ${process.pid})`) });
    expect(store.summary().imageCount).toBe(4);
    // The lock is gone afterwards, and a dead importer's lock is taken over.
    await writeFile(join(store.dir, 'import.lock'), '4194305');
    expect((await run(store, good, 'labels8')).files.every((f) => f.reason === 'already in the project, unchanged')).toBe(true);
    expect(await readdir(store.dir)).not.toContain('import.lock');
  });

  it('stores a copy whose hash matches the source', async () => {
    const store = freshStore();
    await run(store, good, 'labels8');
    const row = store.rowByName('face2')!;
    const src = await readFile(join(good, 'images', 'face2.jpg'));
    expect(row.sha256).toBe(createHash('sha256').update(src).digest('hex'));
  });
});
