// Projects to export from: a synthetic one (every class, odd sizes, an EXIF-rotated and a PNG
// photo, an all-background mask, an unlabeled photo) and one of real CelebAMask-HQ images.
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { importFolder } from '../../../src-main/dataset/import';
import { loadPreset } from '../../../src-main/dataset/presets/index';
import { readMask, saveMask } from '../../../src-main/dataset/store/revisions';
import { openStore, type ProjectStore } from '../../../src-main/dataset/store/store';
import { celebaDir } from '../../helpers/requirements';
import { bands, makeMaskPng, makePhoto } from '../fixtures/make';

export interface Contents {
  sha: string;
  w: number;
  h: number;
  labels: Buffer;
}

/** Every labelled image's name, photo hash and mask: what must survive export → import. */
export async function contents(store: ProjectStore): Promise<Map<string, Contents>> {
  const out = new Map<string, Contents>();
  for (const row of store.allRows()) {
    if (row.mask_revision === 0) continue;
    const mask = await readMask(store, row.id);
    out.set(row.name, { sha: row.sha256, w: row.width, h: row.height, labels: Buffer.from(mask.labels) });
  }
  return out;
}

/** Same names, sizes and labels; same photo bytes except for `reencoded` (an EXIF-rotated photo is exported upright as PNG). */
export function expectSameContents(after: Map<string, Contents>, before: Map<string, Contents>, what: string, reencoded: string[] = []): void {
  expect([...after.keys()].sort(), what).toEqual([...before.keys()].sort());
  for (const [name, v] of before) {
    const w = after.get(name)!;
    expect([w.w, w.h], `${what} ${name}`).toEqual([v.w, v.h]);
    expect(w.labels.equals(v.labels), `${what} ${name} labels`).toBe(true);
    if (reencoded.includes(name)) expect(w.sha, `${what} ${name} photo`).not.toBe(v.sha);
    else expect(w.sha, `${what} ${name} photo`).toBe(v.sha);
  }
}

export async function syntheticProject(root: string): Promise<ProjectStore> {
  const src = join(root, 'synthetic-src');
  await makePhoto(join(src, 'images', 'a.jpg'), 33, 21);
  await makeMaskPng(join(src, 'masks', 'a.png'), bands(33, 21, 0), 33, 21);
  await makePhoto(join(src, 'images', 'b.png'), 20, 30, { format: 'png' });
  await makeMaskPng(join(src, 'masks', 'b.png'), bands(20, 30, 3), 20, 30);
  await makePhoto(join(src, 'images', 'turned.jpg'), 30, 18, { orientation: 8 });
  await makeMaskPng(join(src, 'masks', 'turned.png'), bands(18, 30, 5), 18, 30);
  await makePhoto(join(src, 'images', 'empty.jpg'), 9, 7);
  await makeMaskPng(join(src, 'masks', 'empty.png'), new Uint8Array(63), 9, 7);
  await makePhoto(join(src, 'images', 'plain.jpg'), 10, 10);
  const store = openStore(join(root, 'synthetic-project'), { create: true });
  const report = await importFolder(store, { source: src, preset: loadPreset('labels8'), mode: 'copy' });
  expect(report.skipped).toBe(0);
  // A mask edited after import (every class, single-pixel runs) is what gets exported.
  const a = store.rowByName('a')!;
  const edited = bands(33, 21, 6);
  for (let i = 0; i < edited.length; i += 7) edited[i] = (i * 5) % 8;
  await saveMask(store, a.id, edited, 33, 21, { author: 'ann', kind: 'human' });
  return store;
}

/** Every 80th CelebAMask-HQ image (10 of the 801), imported through the celebamask-hq preset. */
export async function realProject(root: string): Promise<ProjectStore> {
  const src = join(root, 'celeba-src');
  await mkdir(join(src, 'images'), { recursive: true });
  await mkdir(join(src, 'masks'), { recursive: true });
  const names = (await readdir(join(celebaDir(), 'images'))).sort().filter((_, i) => i % 80 === 0).map((f) => f.slice(0, -4));
  for (const n of names) {
    await symlink(join(celebaDir(), 'images', `${n}.jpg`), join(src, 'images', `${n}.jpg`));
    await symlink(join(celebaDir(), 'masks', `${n}.png`), join(src, 'masks', `${n}.png`));
  }
  const store = openStore(join(root, 'celeba-project'), { create: true });
  expect((await importFolder(store, { source: src, preset: loadPreset('celebamask-hq'), mode: 'copy' })).imported).toBe(names.length);
  return store;
}
