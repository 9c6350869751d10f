// A project folder from someone else is untrusted: its facet.db can name any file. Every place
// where a row becomes a path (export, thumbnails, display, masks, the training loader) refuses
// names and paths that no import writes, before a file is opened or written.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProject } from '../../src-main/dataset/export';
import { importFolder } from '../../src-main/dataset/import';
import { openDataSource } from '../../src-main/dataset/loader';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { readMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore, type ProjectStore } from '../../src-main/dataset/store/store';
import { displayBytes, thumbnail } from '../../src-main/dataset/thumbnails';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
let source: string;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-untrusted-'));
  source = join(root, 'src');
  for (let i = 0; i < 3; i++) {
    await makePhoto(join(source, 'images', `p${i}.jpg`), 16, 12);
    await makeMaskPng(join(source, 'masks', `p${i}.png`), bands(16, 12, i), 16, 12);
  }
});
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

let counter = 0;
async function project(): Promise<ProjectStore> {
  const store = openStore(join(root, `work-${++counter}`, 'project'), { create: true });
  expect((await importFolder(store, { source, preset: loadPreset('labels8'), mode: 'copy' })).imported).toBe(3);
  return store;
}

/** Every file under `dir`, relative to it. */
async function tree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('an untrusted project database', () => {
  it("export writes nothing outside --out for name '../../../evil-target/x' and copies no /etc/hostname", async () => {
    const store = await project();
    const work = join(store.dir, '..');
    await writeFile(join(store.dir, 'images', 'payload.desktop'), '[Desktop Entry]\nExec=evil\n');
    const [a, b] = [store.rowByName('p0')!, store.rowByName('p1')!];
    store.db.prepare("UPDATE images SET name = '../../../evil-target/x', file = 'images/payload.desktop' WHERE id = ?").run(a.id);
    store.db.prepare("UPDATE images SET file = '/etc/hostname', linked = 1 WHERE id = ?").run(b.id);
    const out = join(work, 'evil-out', 'a', 'b');
    const report = await exportProject(store, { out, preset: loadPreset('labels8'), overlay: true });
    expect(report.exported).toBe(1);
    expect(report.refused.map((r) => r.name).sort()).toEqual(['../../../evil-target/x', 'p1']);
    expect(report.refused.find((r) => r.name === 'p1')!.reason).toContain('linked file /etc/hostname is not in a folder that an import into this project linked from');
    expect(report.refused.find((r) => r.name !== 'p1')!.reason).toBe(
      `image ${a.id} ("../../../evil-target/x"): its name contains a path separator (/ or \\); refused (the project's facet.db is not as an import writes it)`,
    );
    expect(await tree(join(work, 'evil-out'))).toEqual([join('a', 'b', 'images', 'p2.jpg'), join('a', 'b', 'masks', 'p2.png'), join('a', 'b', 'overlays', 'p2.jpg')]);
    expect(existsSync(join(work, 'evil-target'))).toBe(false);
  });

  it('thumbnails, display, masks and the training loader refuse rows that leave the project', async () => {
    const store = await project();
    const outside = join(store.dir, '..', 'secret.jpg');
    await makePhoto(outside, 8, 8);
    const [a, b, c] = ['p0', 'p1', 'p2'].map((n) => store.rowByName(n)!);
    store.db.prepare("UPDATE images SET file = 'images/../../secret.jpg' WHERE id = ?").run(a!.id);
    store.db.prepare('UPDATE images SET file = ?, linked = 1, name = ? WHERE id = ?').run(outside, 'secret', b!.id);
    store.db.prepare("UPDATE mask_revisions SET file = '../secret.jpg' WHERE image_id = ?").run(c!.id);
    for (const row of [store.row(a!.id), store.row(b!.id)]) {
      await expect(thumbnail(store, row, 64)).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('refused') });
      await expect(displayBytes(store, row)).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('refused') });
    }
    await expect(readMask(store, c!.id)).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('is not masks/') });
    const data = await openDataSource({ kind: 'project', dir: store.dir, trainSplits: ['train'], valSplit: 'val', statuses: ['done'], onlyInTraining: false });
    const loads = await Promise.allSettled([...data.train, ...data.val, ...data.test].map((i) => i.load()));
    expect(loads.map((l) => l.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('follows no planted symlink: images/ pointing outside the project, or a photo linked to /dev/zero', async () => {
    const store = await project();
    const row = store.rowByName('p0')!;
    const elsewhere = join(store.dir, '..', 'elsewhere');
    await rename(join(store.dir, 'images'), elsewhere);
    await symlink(elsewhere, join(store.dir, 'images'));
    await expect(displayBytes(store, row)).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('resolves outside the project folder') });
    const dir = join(store.dir, '..', 'linked');
    await mkdir(dir);
    await symlink('/dev/zero', join(dir, 'zero.jpg'));
    store.db.prepare("INSERT INTO imports (source, preset, mode, started_at) VALUES (?, 'labels8', 'link', 'x')").run(dir);
    store.db.prepare("UPDATE images SET name = 'zero', file = ?, linked = 1 WHERE id = ?").run(join(dir, 'zero.jpg'), row.id);
    await expect(displayBytes(store, store.row(row.id))).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('is not a regular file') });
  });

  it('still reads linked photos that a link import recorded, also after the import was the last one', async () => {
    const store = openStore(join(root, `work-${++counter}`, 'linked'), { create: true });
    expect((await importFolder(store, { source, preset: loadPreset('labels8'), mode: 'link' })).imported).toBe(3);
    const row = store.rowByName('p1')!;
    expect(row).toMatchObject({ linked: 1, file: join(source, 'images', 'p1.jpg') });
    const shown = await displayBytes(store, row);
    expect(Buffer.from(shown.bytes).equals(await readFile(join(source, 'images', 'p1.jpg')))).toBe(true);
    expect((await exportProject(store, { out: join(root, `linked-out-${counter}`), preset: loadPreset('labels8') })).refused).toEqual([]);
  });
});
