import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore } from '../../src-main/dataset/store/store';
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
    expect(first.stdout).toMatch(/^6 imported, 0 updated, 0 unchanged, 0 skipped in [\d.]+ s \([\d.]+ images\/s\)$/m);
    const again = await facet('import', src, '--project', project, '--preset', 'labels8', '--seed', '4');
    expect(again.stdout).toMatch(/^0 imported, 0 updated, 6 unchanged, 0 skipped/m);

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
    expect(failed!.stdout).toMatch(/^1 imported, 0 updated, 0 unchanged, 1 skipped/m);
  });

  it('fails with a clear message for an unknown preset, a missing folder and a bad format', async () => {
    await expect(facet('import', src, '--project', join(root, 'x'), '--preset', 'voc')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('unknown preset "voc"') });
    await expect(facet('import', join(root, 'nope'), '--project', join(root, 'x'), '--preset', 'labels8')).rejects.toMatchObject({ stderr: expect.stringContaining(`${join(root, 'nope')}: folder not found`) });
    await expect(facet('export', '--project', join(root, 'x'), '--out', join(root, 'o'), '--format', 'color')).rejects.toMatchObject({ stderr: expect.stringContaining('not a format: color') });
    await expect(facet('export', '--project', join(root, 'none'), '--out', join(root, 'o'), '--format', 'labels8')).rejects.toMatchObject({ stderr: expect.stringContaining('not a Facet project') });
  });
});
