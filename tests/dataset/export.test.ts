import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProject } from '../../src-main/dataset/export';
import { importFolder } from '../../src-main/dataset/import';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { readMask, saveMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore, type ProjectStore } from '../../src-main/dataset/store/store';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-export-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

/** Every image's name, photo hash and mask labels: what must survive export → import. */
async function contents(store: ProjectStore): Promise<Map<string, { sha: string; w: number; h: number; labels: Buffer }>> {
  const out = new Map<string, { sha: string; w: number; h: number; labels: Buffer }>();
  for (const row of store.allRows()) {
    if (row.mask_revision === 0) continue;
    const mask = await readMask(store, row.id);
    out.set(row.name, { sha: row.sha256, w: row.width, h: row.height, labels: Buffer.from(mask.labels) });
  }
  return out;
}

async function roundTrip(store: ProjectStore, format: string, tag: string): Promise<ProjectStore> {
  const out = join(root, `export-${tag}-${format}`);
  const report = await exportProject(store, { out, preset: loadPreset(format) });
  expect(report.exported).toBe((await contents(store)).size);
  const again = openStore(join(root, `reimport-${tag}-${format}`), { create: true });
  const imported = await importFolder(again, { source: out, preset: loadPreset(format), mode: 'copy' });
  expect(imported.skipped, JSON.stringify(imported.files.filter((f) => f.outcome === 'skipped'))).toBe(0);
  return again;
}

describe('export', () => {
  let store: ProjectStore;
  let src: string;
  beforeAll(async () => {
    src = join(root, 'src');
    // Every class in every mask, odd sizes, one EXIF-rotated photo, one unlabeled photo.
    await makePhoto(join(src, 'images', 'a.jpg'), 33, 21);
    await makeMaskPng(join(src, 'masks', 'a.png'), bands(33, 21, 0), 33, 21);
    await makePhoto(join(src, 'images', 'b.png'), 20, 30, { format: 'png' });
    await makeMaskPng(join(src, 'masks', 'b.png'), bands(20, 30, 3), 20, 30);
    await makePhoto(join(src, 'images', 'turned.jpg'), 30, 18, { orientation: 8 });
    await makeMaskPng(join(src, 'masks', 'turned.png'), bands(18, 30, 5), 18, 30);
    await makePhoto(join(src, 'images', 'plain.jpg'), 10, 10);
    store = openStore(join(root, 'project'), { create: true });
    await importFolder(store, { source: src, preset: loadPreset('labels8'), mode: 'link' });
    // A human edit after import is what gets exported.
    const a = store.rowByName('a')!;
    await saveMask(store, a.id, bands(33, 21, 6), 33, 21, { author: 'ann', kind: 'human' });
  });

  for (const format of ['labels8', 'seed-18', 'celebamask-hq']) {
    it(`round-trips ${format} pixel-exact`, async () => {
      const again = await roundTrip(store, format, 'synthetic');
      const before = await contents(store);
      const after = await contents(again);
      expect([...after.keys()].sort()).toEqual(['a', 'b', 'turned']);
      for (const [name, v] of before) {
        const w = after.get(name)!;
        expect([w.w, w.h]).toEqual([v.w, v.h]);
        expect(w.labels.equals(v.labels), `${format} ${name}`).toBe(true);
      }
      // Upright JPEG/PNG photos are exported byte for byte.
      expect(after.get('a')!.sha).toBe(before.get('a')!.sha);
    });
  }

  it('writes the scheme: celebamask-hq as a palette PNG of CelebAMask ids, seed-18 as gray ids', async () => {
    const celeba = decode(await readFile(join(root, 'export-synthetic-celebamask-hq', 'masks', 'b.png')));
    expect(celeba.palette).toHaveLength(19);
    expect([...new Set(celeba.data as Uint8Array)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 6, 8, 11]);
    const seed = decode(await readFile(join(root, 'export-synthetic-seed-18', 'masks', 'b.png')));
    expect(seed.palette).toBeUndefined();
    expect([...new Set(seed.data as Uint8Array)].sort((x, y) => x - y)).toEqual([0, 1, 2, 4, 6, 7, 13, 16]);
  });

  it('filters by split and status and writes overlays', async () => {
    const b = store.rowByName('b')!;
    store.setStatus(b.id, 'reviewed');
    const out = join(root, 'export-filtered');
    const report = await exportProject(store, { out, preset: loadPreset('labels8'), status: 'reviewed', overlay: true });
    expect(report.exported).toBe(1);
    expect(await readdir(join(out, 'masks'))).toEqual(['b.png']);
    expect(await readdir(join(out, 'overlays'))).toEqual(['b.jpg']);
    expect(await readdir(join(out, 'images'))).toEqual(['b.png']);
    const masksOnly = join(root, 'export-masks-only');
    await exportProject(store, { out: masksOnly, preset: loadPreset('labels8'), images: false });
    expect((await readdir(masksOnly)).sort()).toEqual(['masks']);
    const meta = await sharp(join(out, 'overlays', 'b.jpg')).metadata();
    expect([meta.width, meta.height]).toEqual([20, 30]);
    const split = store.row(b.id).split;
    const bySplit = await exportProject(store, { out: join(root, 'export-split'), preset: loadPreset('labels8'), split });
    expect(bySplit.exported).toBe(store.allRows().filter((r) => r.split === split && r.mask_revision > 0).length);
    await expect(exportProject(store, { out, preset: loadPreset('color') })).rejects.toThrow(/cannot be exported to/);
  });
});

describeWith([needsData()], 'export of celebamask-hq-800 images', () => {
  it('round-trips 21 real masks through each format pixel-exact', async () => {
    const src = join(root, 'celeba');
    await mkdir(join(src, 'images'), { recursive: true });
    await mkdir(join(src, 'masks'), { recursive: true });
    const names = (await readdir(join(celebaDir(), 'images'))).sort().filter((_, i) => i % 40 === 0).map((f) => f.slice(0, -4));
    for (const n of names) {
      await symlink(join(celebaDir(), 'images', `${n}.jpg`), join(src, 'images', `${n}.jpg`));
      await symlink(join(celebaDir(), 'masks', `${n}.png`), join(src, 'masks', `${n}.png`));
    }
    const store = openStore(join(root, 'celeba-project'), { create: true });
    expect((await importFolder(store, { source: src, preset: loadPreset('celebamask-hq'), mode: 'copy' })).imported).toBe(names.length);
    const before = await contents(store);
    for (const format of ['labels8', 'seed-18', 'celebamask-hq']) {
      const after = await contents(await roundTrip(store, format, 'celeba'));
      expect(after.size).toBe(before.size);
      for (const [name, v] of before) {
        expect(after.get(name)!.labels.equals(v.labels), `${format} ${name}`).toBe(true);
        expect(after.get(name)!.sha).toBe(v.sha);
      }
    }
  });
});
