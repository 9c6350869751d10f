import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../src-main/dataset/import';
import { readIndexedPng } from '../../src-main/dataset/io/mask';
import { sweepStaleTemps } from '../../src-main/dataset/io/atomic';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { listRevisions, readMask, revisionRow, saveMask } from '../../src-main/dataset/store/revisions';
import { closeStore, openStore, ProjectStore, type ProjectStore as Store } from '../../src-main/dataset/store/store';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
let source: string;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-store-'));
  source = join(root, 'src');
  for (let i = 0; i < 3; i++) {
    await makePhoto(join(source, 'images', `p${i}.jpg`), 48, 32);
    await makeMaskPng(join(source, 'masks', `p${i}.png`), bands(48, 32, i), 48, 32);
  }
});
afterAll(() => cleanup());

async function project(name: string): Promise<Store> {
  const store = openStore(join(root, name), { create: true });
  await importFolder(store, { source, preset: loadPreset('labels8'), mode: 'copy' });
  return store;
}

describe('project store', () => {
  it('creates the project layout, and refuses to open a folder that is not a project', async () => {
    const store = await project('layout');
    expect((await readdir(store.dir)).sort()).toEqual(expect.arrayContaining(['facet.db', 'images', 'masks', 'runs', 'thumbs']));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(() => ProjectStore.open(join(root, 'nothing'), false)).toThrow(/not a Facet project \(no facet.db\)/);
  });

  it('refuses a database made by a newer version, naming the file', async () => {
    const store = await project('newer');
    store.db.pragma('user_version = 99');
    closeStore(store.dir);
    expect(() => ProjectStore.open(store.dir, false)).toThrow(`${join(store.dir, 'facet.db')}: made by a newer Facet Studio (schema 99`);
  });

  it('keeps every revision with its author and kind, and moves the status', async () => {
    const store = await project('revisions');
    const id = store.rowByName('p1')!.id;
    const a = bands(48, 32, 10);
    const b = bands(48, 32, 11);
    expect((await saveMask(store, id, a, 48, 32, { author: 'ann', kind: 'human', baseRevision: 1 })).revision).toBe(2);
    const saved = await saveMask(store, id, b, 48, 32, { author: 'run-7', kind: 'model:run-7' });
    expect(saved.revision).toBe(3);
    expect(saved.row).toMatchObject({ mask_revision: 3 });
    expect(listRevisions(store, id).map((r) => [r.revision, r.author, r.kind])).toEqual([
      [1, 'import', 'import:labels8'],
      [2, 'ann', 'human'],
      [3, 'run-7', 'model:run-7'],
    ]);
    expect(Buffer.from((await readMask(store, id, 1)).labels).equals(Buffer.from(bands(48, 32, 1)))).toBe(true);
    expect(Buffer.from((await readMask(store, id, 2)).labels).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from((await readMask(store, id)).labels).equals(Buffer.from(b))).toBe(true);
    await expect(readMask(store, id, 9)).rejects.toThrow('has no mask revision 9 (latest is 3)');
    // An unlabeled image becomes in-progress on a human save, predicted on a model save.
    const other = store.rowByName('p2')!.id;
    store.setStatus(other, 'unlabeled');
    await saveMask(store, other, a, 48, 32, { author: 'ann', kind: 'human' });
    expect(store.row(other).status).toBe('in-progress');
  });

  it('refuses a stale base revision (conflict), a wrong size and labels outside 0..7', async () => {
    const store = await project('conflict');
    const id = store.rowByName('p0')!.id;
    await saveMask(store, id, bands(48, 32, 3), 48, 32, { author: 'a', kind: 'human', baseRevision: 1 });
    await expect(saveMask(store, id, bands(48, 32, 4), 48, 32, { author: 'b', kind: 'human', baseRevision: 1 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(saveMask(store, id, bands(32, 48, 4), 32, 48, { author: 'b', kind: 'human' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'mask is 32x48 but image p0 is 48x32',
    });
    await expect(saveMask(store, id, new Uint8Array(48 * 32).fill(8), 48, 32, { author: 'b', kind: 'human' })).rejects.toThrow('label 8 at pixel 0');
    expect(store.row(id).mask_revision).toBe(2);
    // Failed saves leave no files behind: one file per revision.
    expect(await readdir(join(store.dir, 'masks', String(id)))).toHaveLength(2);
  });

  it('serialises concurrent saves of one image: each gets its own revision', async () => {
    const store = await project('concurrent');
    const id = store.rowByName('p0')!.id;
    const results = await Promise.all([5, 6, 7, 8].map((s) => saveMask(store, id, bands(48, 32, s), 48, 32, { author: 'x', kind: 'human' })));
    expect(results.map((r) => r.revision).sort()).toEqual([2, 3, 4, 5]);
    for (const s of [5, 6, 7, 8]) {
      const rev = results[s - 5]!.revision;
      expect(Buffer.from((await readMask(store, id, rev)).labels).equals(Buffer.from(bands(48, 32, s)))).toBe(true);
    }
  });

  it('survives SIGKILL while saving masks in a loop: every mask readable and equal to a saved revision', async () => {
    const store = await project('killed');
    const ids = store.allRows().map((r) => r.id);
    // Every mask any child began to save, by image: with the imported mask (p<i> got bands(i)),
    // these are the only contents a revision may have.
    const begun = new Map<number, Buffer[]>(store.allRows().map((r) => [r.id, [Buffer.from(bands(48, 32, Number(r.name.slice(1))))]]));
    const dir = store.dir;
    closeStore(dir);
    const script = fileURLToPath(new URL('./fixtures/save-loop.ts', import.meta.url));
    for (const killAfter of [7, 23, 41]) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir, ids.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if ((out.match(/^saved /gm) ?? []).length >= killAfter) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
      });
      await new Promise((resolve) => child.once('exit', resolve));
      for (const m of out.matchAll(/^begin (\d+) (\d+)$/gm)) begun.get(Number(m[1]))!.push(Buffer.from(bands(48, 32, Number(m[2]) * 7 + Number(m[1]))));
      const reopened = openStore(dir);
      for (const id of ids) {
        const row = reopened.row(id);
        const candidates = begun.get(id)!;
        for (let rev = 1; rev <= row.mask_revision; rev++) {
          const mask = await readIndexedPng(reopened.path(revisionRow(reopened, id, rev)!.file));
          expect(candidates.some((c) => c.equals(Buffer.from(mask.labels))), `image ${id} revision ${rev}`).toBe(true);
        }
        const current = Buffer.from((await readMask(reopened, id)).labels);
        expect(candidates.some((c) => c.equals(current)), `current mask of image ${id}`).toBe(true);
        // Every save the child reported is committed.
        const lastSaved = [...out.matchAll(new RegExp(`^saved ${id} (\\d+) \\d+$`, 'gm'))].at(-1);
        expect(lastSaved).toBeDefined();
        expect(row.mask_revision).toBeGreaterThanOrEqual(Number(lastSaved![1]));
      }
      closeStore(dir);
    }
    // Temp files of the killed writers (if a kill landed mid-write) are swept; nothing else is.
    await sweepStaleTemps(dir);
    const left = await readdir(join(dir, 'masks'), { recursive: true });
    expect(left.filter((f) => String(f).endsWith('.tmp'))).toEqual([]);
    expect(left.filter((f) => String(f).endsWith('.png')).length).toBeGreaterThanOrEqual(ids.length);
  });
});
