// Re-imports against people's work: a mask a person edited or reviewed stays current unless the
// user asks to overwrite it; and a killed import leaves no image without its split.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder, type ImportOptions } from '../../src-main/dataset/import';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { listRevisions, readMask, saveMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore, type ProjectStore } from '../../src-main/dataset/store/store';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
let source: string;
const W = 32;
const H = 24;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-reimport-'));
  source = join(root, 'src');
  for (let i = 0; i < 6; i++) {
    await makePhoto(join(source, 'images', `face${i}.jpg`), W, H);
    await makeMaskPng(join(source, 'masks', `face${i}.png`), bands(W, H, i), W, H);
  }
});
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

let counter = 0;
function run(store: ProjectStore, from: string, extra: Partial<ImportOptions> = {}) {
  return importFolder(store, { source: from, preset: loadPreset('labels8'), mode: 'copy', ...extra });
}

/** The same photos with every mask changed: what a corrected source data set looks like. */
async function changedSource(): Promise<string> {
  const dir = join(root, `changed-${++counter}`);
  for (let i = 0; i < 6; i++) {
    await mkdir(join(dir, 'images'), { recursive: true });
    await writeFile(join(dir, 'images', `face${i}.jpg`), await readFile(join(source, 'images', `face${i}.jpg`)));
    await makeMaskPng(join(dir, 'masks', `face${i}.png`), bands(W, H, i + 20), W, H);
  }
  return dir;
}

/** A project with face0 edited (revision 2), face1 edited and reviewed, face2 reviewed as imported. */
async function annotated(): Promise<{ store: ProjectStore; id: (n: number) => number; edits: Uint8Array[] }> {
  const store = openStore(join(root, `project-${++counter}`), { create: true });
  expect((await run(store, source)).imported).toBe(6);
  const id = (n: number) => store.rowByName(`face${n}`)!.id;
  const edits = [bands(W, H, 40), bands(W, H, 41)];
  await saveMask(store, id(0), edits[0]!, W, H, { author: 'ann', kind: 'human', baseRevision: 1 });
  await saveMask(store, id(1), edits[1]!, W, H, { author: 'bob', kind: 'human', baseRevision: 1 });
  store.setStatus(id(1), 'reviewed');
  store.setStatus(id(2), 'reviewed');
  return { store, id, edits };
}

const labelsOf = async (store: ProjectStore, imageId: number) => Buffer.from((await readMask(store, imageId)).labels);

describe('re-import over people\'s edits', () => {
  it('re-running the same import keeps the edited masks current and says which were kept', async () => {
    const { store, id, edits } = await annotated();
    const report = await run(store, source);
    expect([report.imported, report.updated, report.unchanged, report.kept, report.skipped]).toEqual([0, 0, 4, 2, 0]);
    expect(report.files).toHaveLength(6);
    const kept = report.files.filter((f) => f.outcome === 'kept');
    expect(kept.map((f) => f.file).sort()).toEqual([join(source, 'images', 'face0.jpg'), join(source, 'images', 'face1.jpg')]);
    expect(kept.find((f) => f.file.endsWith('face0.jpg'))!.reason).toBe(
      `${join(source, 'masks', 'face0.png')}: kept image "face0"'s mask: revision 2 by ann (human) is newer than the import; the source mask was left alone (--overwrite-edits replaces it)`,
    );
    expect(kept.find((f) => f.file.endsWith('face1.jpg'))!.reason).toContain('the image is reviewed, its mask revision 2 by bob (human)');
    for (const n of [0, 1]) {
      expect(store.row(id(n)).mask_revision).toBe(2);
      expect((await labelsOf(store, id(n))).equals(Buffer.from(edits[n]!))).toBe(true);
    }
    expect(store.row(id(1)).status).toBe('reviewed');
  });

  it('a changed source updates only masks no person touched; reviewed ones need a second confirmation', async () => {
    const { store, id, edits } = await annotated();
    const changed = await changedSource();
    const plain = await run(store, changed);
    expect([plain.updated, plain.kept]).toEqual([3, 3]);
    expect(plain.files.filter((f) => f.outcome === 'kept').map((f) => f.file.slice(-9)).sort()).toEqual(['face0.jpg', 'face1.jpg', 'face2.jpg']);
    expect((await labelsOf(store, id(0))).equals(Buffer.from(edits[0]!))).toBe(true);
    expect((await labelsOf(store, id(3))).equals(Buffer.from(bands(W, H, 23)))).toBe(true);

    await expect(run(store, changed, { overwriteReviewed: true })).rejects.toMatchObject({ code: 'invalid_input', field: 'overwriteReviewed' });

    const edits2 = await run(store, changed, { overwriteEdits: true });
    expect([edits2.updated, edits2.kept, edits2.unchanged]).toEqual([1, 2, 3]);
    expect((await labelsOf(store, id(0))).equals(Buffer.from(bands(W, H, 20)))).toBe(true);
    // The person's revision is still in the history.
    expect(listRevisions(store, id(0)).map((r) => r.kind)).toEqual(['import:labels8', 'human', 'import:labels8']);
    expect(store.row(id(1))).toMatchObject({ status: 'reviewed', mask_revision: 2 });

    const all = await run(store, changed, { overwriteEdits: true, overwriteReviewed: true });
    expect([all.updated, all.kept]).toEqual([2, 0]);
    expect((await labelsOf(store, id(1))).equals(Buffer.from(bands(W, H, 21)))).toBe(true);
    // The review was of the mask that was replaced.
    expect(store.row(id(1)).status).toBe('done');
    expect(store.row(id(2)).status).toBe('done');
  });
});

describe('killed import', () => {
  it('leaves every image it inserted with a split', async () => {
    const big = join(root, 'many');
    for (let i = 0; i < 30; i++) {
      await makePhoto(join(big, 'images', `p${String(i).padStart(2, '0')}.jpg`), 16, 12);
      await makeMaskPng(join(big, 'masks', `p${String(i).padStart(2, '0')}.png`), bands(16, 12, i), 16, 12);
    }
    const project = join(root, 'killed');
    const script = fileURLToPath(new URL('./fixtures/import-then-die.ts', import.meta.url));
    const { signal, stdout } = await new Promise<{ signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, project, big, '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('exit', (_code, sig) => {
        clearTimeout(timer);
        resolve({ signal: sig, stdout: out });
      });
    });
    expect(stdout).toBe('');
    expect(signal).toBe('SIGKILL');
    const store = openStore(project);
    const rows = store.allRows();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThan(30);
    expect(rows.filter((r) => r.split === 'unassigned').map((r) => r.name)).toEqual([]);
    // The next import finishes the rest and leaves none unassigned either.
    const rest = await run(store, big);
    expect(rest.imported).toBe(30 - rows.length);
    expect(store.summary().bySplit.unassigned).toBe(0);
  });
});
