import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore } from '../../src-main/dataset/store/store';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto, makeRgbMask } from '../dataset/fixtures/make';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const facet = (...args: string[]) => run(process.execPath, [bin, ...args]);

let root: string;
let cleanup: () => Promise<void>;
let project: string;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-cli-formats-'));
  const src = join(root, 'src');
  for (let i = 0; i < 3; i++) {
    await makePhoto(join(src, 'images', `f${i}.jpg`), 24, 16);
    await makeMaskPng(join(src, 'masks', `f${i}.png`), bands(24, 16, i), 24, 16);
  }
  project = join(root, 'p');
  await facet('import', src, '--project', project, '--preset', 'labels8');
});
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

async function sameMasks(other: string): Promise<void> {
  const a = openStore(project);
  const b = openStore(other);
  expect(b.allRows().map((r) => r.name).sort()).toEqual(['f0', 'f1', 'f2']);
  for (const row of a.allRows()) {
    const twin = b.rowByName(row.name)!;
    expect(twin.sha256).toBe(row.sha256);
    expect(Buffer.from((await readMask(b, twin.id)).labels).equals(Buffer.from((await readMask(a, row.id)).labels)), row.name).toBe(true);
  }
}

describe('facet export --format coco|cvat-mask|label-studio, facet import --preset coco|cvat-mask', () => {
  it('exports and imports back coco and cvat-mask pixel-exact', async () => {
    for (const [format, layout] of [
      ['coco', ['annotations', 'images']],
      ['cvat-mask', ['ImageSets', 'JPEGImages', 'SegmentationClass', 'SegmentationObject', 'labelmap.txt']],
    ] as const) {
      const out = join(root, `out-${format}`);
      const exported = await facet('export', '--project', project, '--out', out, '--format', format);
      expect(exported.stdout).toMatch(/^3 masks exported to /);
      expect((await readdir(out)).sort()).toEqual([...layout]);
      const back = join(root, `back-${format}`);
      const imported = await facet('import', out, '--project', back, '--preset', format);
      expect(imported.stdout).toMatch(/^3 imported, 0 updated, 0 unchanged, 0 kept, 0 skipped/m);
      await sameMasks(back);
    }
  });

  it('exports Label Studio tasks', async () => {
    const out = join(root, 'out-ls');
    await facet('export', '--project', project, '--out', out, '--format', 'label-studio', '--no-images');
    expect((await readdir(out)).sort()).toEqual(['labeling-config.xml', 'tasks.json']);
    const tasks = JSON.parse(await readFile(join(out, 'tasks.json'), 'utf8')) as { data: { image: string } }[];
    expect(tasks.map((t) => t.data.image).sort()).toEqual(['f0', 'f1', 'f2'].map((n) => `/data/local-files/?d=images/${n}.jpg`));
  });

  it('maps other label names with --label-map and names an unknown label', async () => {
    const src = join(root, 'cvat');
    await makePhoto(join(src, 'JPEGImages', 'g.jpg'), 2, 1);
    await writeFile(join(src, 'labelmap.txt'), 'background:0,0,0::\nface:1,2,3::\n');
    await makeRgbMask(join(src, 'SegmentationClass', 'g.png'), Uint8Array.from([1, 2, 3, 0, 0, 0]), 2, 1);
    await expect(facet('import', src, '--project', join(root, 'q'), '--preset', 'cvat-mask')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${join(src, 'labelmap.txt')}: label "face" is not one of the classes`),
    });
    const done = await facet('import', src, '--project', join(root, 'q'), '--preset', 'cvat-mask', '--label-map', '{"face": "skin"}');
    expect(done.stdout).toMatch(/^1 imported/m);
    const store = openStore(join(root, 'q'));
    expect([...(await readMask(store, store.rowByName('g')!.id)).labels]).toEqual([1, 0]);
    await expect(facet('import', src, '--project', join(root, 'q2'), '--preset', 'labels8', '--label-map', '{"face": "skin"}')).rejects.toMatchObject({
      stderr: expect.stringContaining('a label map applies only to the coco and cvat-mask presets'),
    });
  });
});
