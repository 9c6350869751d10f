import { execFile } from 'node:child_process';
import { readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMask, saveMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, closeStore, openStore } from '../../src-main/dataset/store/store';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from '../dataset/fixtures/make';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const facet = (...args: string[]) => run(process.execPath, [bin, ...args]);

let root: string;
let cleanup: () => Promise<void>;
let src: string;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-cli-dataset-'));
  src = join(root, 'src');
  for (let i = 0; i < 6; i++) {
    await makePhoto(join(src, 'images', `f${i}.jpg`), 24, 16);
    await makeMaskPng(join(src, 'masks', `f${i}.png`), bands(24, 16, i), 24, 16);
  }
});
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

describe('facet import / export', () => {
  it('imports, re-imports unchanged with fixed splits kept, exports and imports back pixel-exact', async () => {
    const project = join(root, 'p');
    const splitFile = join(root, 'splits.txt');
    await writeFile(splitFile, '# name split\nf0 test\nf1.jpg,val\n');
    const first = await facet('import', src, '--project', project, '--preset', 'labels8', '--split', '60/20/20', '--seed', '3', '--split-file', splitFile);
    expect(first.stdout).toMatch(/^6 imported, 0 updated, 0 unchanged, 0 kept, 0 skipped in [\d.]+ s \([\d.]+ images\/s\)$/m);
    const again = await facet('import', src, '--project', project, '--preset', 'labels8', '--seed', '4');
    expect(again.stdout).toMatch(/^0 imported, 0 updated, 6 unchanged, 0 kept, 0 skipped/m);

    const store = openStore(project);
    expect(store.rowByName('f0')).toMatchObject({ split: 'test', split_fixed: 1 });
    expect(store.rowByName('f1')).toMatchObject({ split: 'val', split_fixed: 1 });
    const splits = store.allRows().map((r) => [r.name, r.split]);
    expect(splits.every(([, s]) => s !== 'unassigned')).toBe(true);

    const out = join(root, 'out');
    const exported = await facet('export', '--project', project, '--out', out, '--format', 'seed-18', '--overlay');
    expect(exported.stdout).toMatch(/^6 masks exported to /);
    expect((await readdir(join(out, 'masks'))).sort()).toEqual(['f0.png', 'f1.png', 'f2.png', 'f3.png', 'f4.png', 'f5.png']);
    expect(await readdir(join(out, 'overlays'))).toHaveLength(6);

    const back = join(root, 'back');
    await facet('import', out, '--project', back, '--preset', 'seed-18', '--link');
    const store2 = openStore(back);
    for (const row of store.allRows()) {
      const other = store2.rowByName(row.name)!;
      expect(other).toMatchObject({ linked: 1, sha256: row.sha256 });
      const a = await readMask(store, row.id);
      const b = await readMask(store2, other.id);
      expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
    }
    const val = await facet('export', '--project', project, '--out', join(root, 'out-val'), '--format', 'labels8', '--split', 'val');
    expect(val.stdout).toMatch(new RegExp(`^${store.allRows().filter((r) => r.split === 'val').length} masks exported`));
  });

  it('exits 2 and lists each skipped file with its problem', async () => {
    const bad = join(root, 'bad');
    await makePhoto(join(bad, 'images', 'ok.jpg'), 8, 8);
    await makeMaskPng(join(bad, 'masks', 'ok.png'), bands(8, 8, 0), 8, 8);
    await makePhoto(join(bad, 'images', 'odd.jpg'), 8, 8);
    await makeMaskPng(join(bad, 'masks', 'odd.png'), new Uint8Array(64).fill(12), 8, 8);
    const failed = await facet('import', bad, '--project', join(root, 'pbad'), '--preset', 'labels8').then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).not.toBeNull();
    expect(failed!.code).toBe(2);
    expect(failed!.stderr).toContain(`skipped: ${join(bad, 'masks', 'odd.png')}: mask value 12 not named by preset labels8`);
    expect(failed!.stdout).toMatch(/^1 imported, 0 updated, 0 unchanged, 0 kept, 1 skipped/m);
  });

  it('re-running an import keeps the masks people edited, lists them, and overwrites only when asked', async () => {
    const project = join(root, 'edited');
    await facet('import', src, '--project', project, '--preset', 'labels8');
    const store = openStore(project);
    const [a, b] = [store.rowByName('f0')!, store.rowByName('f1')!];
    await saveMask(store, a.id, bands(24, 16, 30), 24, 16, { author: 'ann', kind: 'human', baseRevision: 1 });
    await saveMask(store, b.id, bands(24, 16, 31), 24, 16, { author: 'ann', kind: 'human', baseRevision: 1 });
    store.setStatus(b.id, 'reviewed');
    closeStore(project);
    const again = await facet('import', src, '--project', project, '--preset', 'labels8');
    expect(again.stdout).toMatch(/^0 imported, 0 updated, 4 unchanged, 2 kept, 0 skipped/m);
    expect(again.stdout).toContain(`kept: ${join(src, 'masks', 'f0.png')}: kept image "f0"'s mask: revision 2 by ann (human) is newer than the import`);
    expect(again.stdout).toContain(`kept: ${join(src, 'masks', 'f1.png')}: kept image "f1"'s mask: the image is reviewed`);
    const overwrite = await facet('import', src, '--project', project, '--preset', 'labels8', '--overwrite-edits');
    expect(overwrite.stdout).toMatch(/^0 imported, 1 updated, 4 unchanged, 1 kept, 0 skipped/m);
    await expect(facet('import', src, '--project', project, '--preset', 'labels8', '--overwrite-reviewed')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--overwrite-reviewed needs --overwrite-edits too') });
    const reopened = openStore(project);
    expect(reopened.row(a.id).mask_revision).toBe(3);
    expect(reopened.row(b.id)).toMatchObject({ mask_revision: 2, status: 'reviewed' });
    closeStore(project);
  });

  it('lists every file it did not import with the reason', async () => {
    const odd = join(root, 'odd');
    await makePhoto(join(odd, 'images', 'ok.jpg'), 8, 8);
    await makePhoto(join(odd, 'images', '...jpg'), 8, 8);
    await makePhoto(join(odd, 'images', 'sub', 'deeper.jpg'), 8, 8);
    await symlink('/dev/zero', join(odd, 'images', 'zero.jpg'));
    await symlink(join(odd, 'gone.jpg'), join(odd, 'images', 'gone.jpg'));
    const failed = await facet('import', odd, '--project', join(root, 'podd'), '--preset', 'images-only').then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed!.code).toBe(2);
    expect(failed!.stdout).toMatch(/^1 imported, 0 updated, 0 unchanged, 0 kept, 4 skipped/m);
    const lines = failed!.stderr.trim().split('\n').sort();
    expect(lines).toEqual(
      [
        `skipped: ${join(odd, 'images', '...jpg')}: hidden file (its name starts with a dot): not imported`,
        `skipped: ${join(odd, 'images', 'gone.jpg')}: dangling symlink: its target ${join(odd, 'gone.jpg')} does not exist`,
        `skipped: ${join(odd, 'images', 'sub', 'deeper.jpg')}: in a subfolder: only files directly in ${join(odd, 'images')} are imported`,
        `skipped: ${join(odd, 'images', 'zero.jpg')}: symlink to a character device (/dev/zero), not a regular file`,
      ].sort(),
    );
  });

  it('export refuses rows of a tampered facet.db and writes nothing outside --out', async () => {
    const project = join(root, 'tampered');
    await facet('import', src, '--project', project, '--preset', 'labels8');
    await writeFile(join(project, 'images', 'payload.desktop'), '[Desktop Entry]\n');
    const store = openStore(project);
    store.db.prepare("UPDATE images SET name = '../../../evil-target/x', file = 'images/payload.desktop' WHERE name = 'f0'").run();
    store.db.prepare("UPDATE images SET file = '/etc/hostname', linked = 1 WHERE name = 'f1'").run();
    closeStore(project);
    const failed = await facet('export', '--project', project, '--out', join(root, 'evil-out', 'a', 'b'), '--format', 'labels8').then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed!.code).toBe(2);
    expect(failed!.stdout).toMatch(/^4 masks exported/);
    expect(failed!.stderr).toMatch(/^refused: image \d+ \("\.\.\/\.\.\/\.\.\/evil-target\/x"\): its name contains a path separator/m);
    expect(failed!.stderr).toContain('linked file /etc/hostname is not in a folder that an import into this project linked from');
    expect(await readdir(join(root, 'evil-out'))).toEqual(['a']);
    expect((await readdir(join(root, 'evil-out', 'a', 'b', 'images'))).sort()).toEqual(['f2.jpg', 'f3.jpg', 'f4.jpg', 'f5.jpg']);
  });

  it('refuses a project under /proc instead of hanging', async () => {
    const result = await run(process.execPath, [bin, 'import', src, '--project', '/proc/self/x', '--preset', 'labels8'], { timeout: 30_000, killSignal: 'SIGKILL' }).then(
      () => null,
      (error: { code: number | null; killed?: boolean; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('/proc/self/x: is inside /proc, a virtual file system of the kernel') });
  });

  it('fails with a clear message for an unknown preset, a missing folder and a bad format', async () => {
    await expect(facet('import', src, '--project', join(root, 'x'), '--preset', 'voc')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('unknown preset "voc"') });
    await expect(facet('import', join(root, 'nope'), '--project', join(root, 'x'), '--preset', 'labels8')).rejects.toMatchObject({ stderr: expect.stringContaining(`${join(root, 'nope')}: folder not found`) });
    await expect(facet('export', '--project', join(root, 'x'), '--out', join(root, 'o'), '--format', 'color')).rejects.toMatchObject({ stderr: expect.stringContaining('not a format: color') });
    await expect(facet('export', '--project', join(root, 'none'), '--out', join(root, 'o'), '--format', 'labels8')).rejects.toMatchObject({ stderr: expect.stringContaining('not a Facet project') });
  });
});
