import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { exportProject } from '../../../src-main/dataset/export';
import { EXPORT_FORMATS } from '../../../src-main/dataset/formats/index';
import { importFolder } from '../../../src-main/dataset/import';
import { loadPreset } from '../../../src-main/dataset/presets/index';
import { readMask } from '../../../src-main/dataset/store/revisions';
import { closeAllStores, openStore, type ProjectStore } from '../../../src-main/dataset/store/store';
import { describeWith } from '../../helpers/describe-with';
import { needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';
import { makePhoto } from '../fixtures/make';
import { contents, expectSameContents, realProject, syntheticProject } from './fixtures';
import { specRleDecode, specRleFrString } from './spec-decoders';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-coco-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

interface CocoJson {
  categories: { id: number; name: string }[];
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { id: number; image_id: number; category_id: number; segmentation: { size: [number, number]; counts: string }; area: number; iscrowd: number }[];
}

async function roundTrip(store: ProjectStore, tag: string): Promise<{ out: string; again: ProjectStore }> {
  const out = join(root, `export-${tag}`);
  await exportProject(store, { out, format: EXPORT_FORMATS.coco });
  const again = openStore(join(root, `reimport-${tag}`), { create: true });
  const report = await importFolder(again, { source: out, preset: loadPreset('coco'), mode: 'copy' });
  expect(report.skipped, JSON.stringify(report.files.filter((f) => f.outcome === 'skipped'))).toBe(0);
  return { out, again };
}

/** The mask the JSON describes, decoded with the spec decoders (not the studio's codec). */
function specMask(json: CocoJson, imageId: number): Uint8Array {
  const image = json.images.find((i) => i.id === imageId)!;
  const names = new Map(json.categories.map((c) => [c.id, c.name]));
  const labels = new Uint8Array(image.width * image.height);
  for (const ann of json.annotations.filter((a) => a.image_id === imageId)) {
    expect(ann.segmentation.size).toEqual([image.height, image.width]);
    const bits = specRleDecode(specRleFrString(ann.segmentation.counts), image.height, image.width);
    const cls = CLASS_NAMES.indexOf(names.get(ann.category_id) as (typeof CLASS_NAMES)[number]);
    let area = 0;
    for (let i = 0; i < bits.length; i++) {
      if (!bits[i]) continue;
      if (labels[i] !== 0) throw new Error(`annotation ${ann.id} overlaps another at pixel ${i}`);
      labels[i] = cls;
      area++;
    }
    expect(ann.area).toBe(area);
  }
  return labels;
}

describe('COCO export and import', () => {
  let store: ProjectStore;
  beforeAll(async () => {
    store = await syntheticProject(root);
  });

  it('round-trips pixel-exact through export → import', async () => {
    const { out, again } = await roundTrip(store, 'synthetic');
    expectSameContents(await contents(again), await contents(store), 'coco', ['turned']);
    expect((await readdir(join(out, 'images'))).sort()).toEqual(['a.jpg', 'b.png', 'empty.jpg', 'turned.png']);
    // The all-background image is still labelled after the trip (an image in the JSON is annotated).
    expect(again.rowByName('empty')).toMatchObject({ status: 'done' });
    expect(again.rowByName('plain')).toBeNull();
  });

  it('writes an instances JSON that the spec decoder reads as the project masks', async () => {
    const json = JSON.parse(await readFile(join(root, 'export-synthetic', 'annotations', 'instances_default.json'), 'utf8')) as CocoJson;
    expect(json.categories.map((c) => c.name)).toEqual(CLASS_NAMES.slice(1));
    expect(json.images.map((i) => i.file_name).sort()).toEqual(['a.jpg', 'b.png', 'empty.jpg', 'turned.png']);
    for (const image of json.images) {
      const row = store.rowByName(image.file_name.replace(/\.[^.]+$/, ''))!;
      expect([image.width, image.height]).toEqual([row.width, row.height]);
      const mask = await readMask(store, row.id);
      expect(Buffer.from(specMask(json, image.id)).equals(Buffer.from(mask.labels)), image.file_name).toBe(true);
    }
    expect(json.annotations.filter((a) => a.image_id === json.images.find((i) => i.file_name === 'empty.jpg')!.id)).toEqual([]);
  });

  it('imports plain integer counts, paints later annotations over earlier ones, finds images in images/<subset>/', async () => {
    const src = join(root, 'hand-made');
    await makePhoto(join(src, 'images', 'train', 'p.jpg'), 4, 3);
    await mkdir(join(src, 'annotations'), { recursive: true });
    const json = {
      images: [{ id: 7, file_name: 'p.jpg', width: 4, height: 3 }],
      categories: [
        { id: 1, name: 'Eyes' },
        { id: 2, name: 'eyeglasses' },
      ],
      annotations: [
        // Column-major: col0 0,0,1  col1 1,1,1  col2 1,0,0  col3 0,0,0.
        { id: 1, image_id: 7, category_id: 1, segmentation: { size: [3, 4], counts: [2, 5, 5] }, iscrowd: 1 },
        // Over it: the whole second column (pixels 3..5 column-major), compressed.
        { id: 2, image_id: 7, category_id: 2, segmentation: { size: [3, 4], counts: '336' }, iscrowd: 0 },
      ],
    };
    await writeFile(join(src, 'annotations', 'instances_train.json'), JSON.stringify(json));
    const project = openStore(join(root, 'hand-made-project'), { create: true });
    const report = await importFolder(project, { source: src, preset: loadPreset('coco'), mode: 'copy' });
    expect(report.imported, JSON.stringify(report.files)).toBe(1);
    const mask = await readMask(project, project.rowByName('p')!.id);
    expect([...mask.labels]).toEqual([0, 7, 3, 0, 0, 7, 0, 0, 3, 7, 0, 0]);
  });

  it('fills polygons as pycocotools rleFrPoly does, several parts of one object together', async () => {
    const src = join(root, 'polygons');
    await makePhoto(join(src, 'images', 'r.jpg'), 6, 5);
    const json = {
      images: [{ id: 1, file_name: 'r.jpg', width: 6, height: 5 }],
      categories: [{ id: 1, name: 'mouth' }, { id: 2, name: 'ears' }],
      annotations: [
        // pycocotools' frBbox is rleFrPoly of the box's corners and covers exactly the w x h pixels
        // of an integer box: the box x 1..4, y 1..3 is the pixels x 1..3, y 1..2 (area 6).
        { id: 1, image_id: 1, category_id: 1, segmentation: [[1, 1, 1, 3, 4, 3, 4, 1]] },
        // Two parts of one object: the pixels (5, 0) and (0, 4) as unit boxes.
        { id: 2, image_id: 1, category_id: 2, segmentation: [[5, 0, 5, 1, 6, 1, 6, 0], [0, 4, 0, 5, 1, 5, 1, 4]] },
      ],
    };
    await writeFile(join(src, 'instances.json'), JSON.stringify(json));
    const project = openStore(join(root, 'polygons-project'), { create: true });
    const report = await importFolder(project, { source: src, preset: loadPreset('coco'), mode: 'copy' });
    expect(report.imported, JSON.stringify(report.files)).toBe(1);
    const mask = await readMask(project, project.rowByName('r')!.id);
    // prettier-ignore
    expect([...mask.labels]).toEqual([
      0, 0, 0, 0, 0, 6,
      0, 5, 5, 5, 0, 0,
      0, 5, 5, 5, 0, 0,
      0, 0, 0, 0, 0, 0,
      6, 0, 0, 0, 0, 0,
    ]);
  });

  it('names the file and the label for an unknown category, and maps it with a label map', async () => {
    const src = join(root, 'unknown-label');
    await makePhoto(join(src, 'q.jpg'), 2, 2);
    const json = {
      images: [{ id: 1, file_name: 'q.jpg', width: 2, height: 2 }],
      categories: [{ id: 3, name: 'hair' }],
      annotations: [{ id: 1, image_id: 1, category_id: 3, segmentation: { size: [2, 2], counts: [1, 3] } }],
    };
    const file = join(src, 'labels.json');
    await writeFile(file, JSON.stringify(json));
    const project = openStore(join(root, 'unknown-label-project'), { create: true });
    await expect(importFolder(project, { source: src, preset: loadPreset('coco'), mode: 'copy' })).rejects.toThrow(`${file}: label "hair" is not one of the classes`);
    expect(project.allRows()).toEqual([]);
    const mapped = await importFolder(project, { source: src, preset: loadPreset('coco', { labelMap: { Hair: 'skin' } }), mode: 'copy' });
    expect(mapped.imported).toBe(1);
    expect([...(await readMask(project, project.rowByName('q')!.id)).labels]).toEqual([0, 1, 1, 1]);
  });

  it('skips an image with a broken polygon, a wrong-sized RLE, a size its photo has not or a missing photo, saying which and why', async () => {
    const src = join(root, 'bad');
    for (const n of ['poly', 'size', 'ok', 'huge']) await makePhoto(join(src, 'images', `${n}.jpg`), 3, 2);
    const json = {
      images: [
        { id: 1, file_name: 'poly.jpg', width: 3, height: 2 },
        { id: 2, file_name: 'size.jpg', width: 3, height: 2 },
        { id: 3, file_name: 'ok.jpg', width: 3, height: 2 },
        { id: 4, file_name: 'gone.jpg', width: 3, height: 2 },
        { id: 5, file_name: '../../etc/passwd', width: 3, height: 2 },
        // A size the photo does not have is refused before a mask that large is allocated.
        { id: 6, file_name: 'huge.jpg', width: 100000, height: 100000 },
      ],
      categories: [{ id: 1, name: 'nose' }],
      annotations: [
        { id: 10, image_id: 1, category_id: 1, segmentation: [[0, 0, 2, 0, 2, 1], [0, 0, 1, 1]] },
        { id: 11, image_id: 2, category_id: 1, segmentation: { size: [3, 2], counts: [6] } },
        { id: 12, image_id: 3, category_id: 1, segmentation: { size: [2, 3], counts: [0, 6] } },
        { id: 13, image_id: 99, category_id: 1, segmentation: { size: [2, 3], counts: [6] } },
      ],
    };
    const file = join(src, 'annotations', 'instances_default.json');
    await mkdir(join(src, 'annotations'), { recursive: true });
    await writeFile(file, JSON.stringify(json));
    const project = openStore(join(root, 'bad-project'), { create: true });
    const report = await importFolder(project, { source: src, preset: loadPreset('coco'), mode: 'copy' });
    expect(report.imported).toBe(1);
    const reasons = report.files.filter((f) => f.outcome === 'skipped').map((f) => f.reason ?? '');
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${file}: annotation 10 of image 1 "poly.jpg": polygon 1 has 4 numbers, expected x, y pairs of at least 3 points`),
        expect.stringContaining(`${file}: annotation 11 of image 2 "size.jpg": RLE size [3, 2] is not the image's [height, width] [2, 3]`),
        expect.stringContaining(`image 4 "gone.jpg" not found`),
        expect.stringContaining(`image 5 "../../etc/passwd" not found`),
        expect.stringContaining('annotation 13: image_id 99 is not in images'),
        `${file}: image 6 "huge.jpg" is 100000x100000 in the JSON but the photo is 3x2`,
      ]),
    );
    expect(reasons).toHaveLength(6);
    expect(project.rowByName('ok')).toMatchObject({ status: 'done' });
  });

  it('names the file and the field of a JSON that is not COCO', async () => {
    const src = join(root, 'not-coco');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'x.json'), JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg' }] }));
    const project = openStore(join(root, 'not-coco-project'), { create: true });
    await expect(importFolder(project, { source: src, preset: loadPreset('coco'), mode: 'copy' })).rejects.toThrow(/x\.json: not a COCO instances file: images\.0\.width/);
    await expect(importFolder(project, { source: join(root, 'hand-made', 'images'), preset: loadPreset('coco'), mode: 'copy' })).rejects.toThrow(/no COCO annotation file/);
  });
});

describeWith([needsData()], 'COCO with celebamask-hq-800 images', () => {
  it('round-trips real masks pixel-exact and the spec decoder reads them', async () => {
    const real = join(root, 'real');
    const store = await realProject(real);
    const { out, again } = await roundTrip(store, 'real');
    expectSameContents(await contents(again), await contents(store), 'coco real');
    const json = JSON.parse(await readFile(join(out, 'annotations', 'instances_default.json'), 'utf8')) as CocoJson;
    for (const image of json.images) {
      const mask = await readMask(store, store.rowByName(image.file_name.replace(/\.[^.]+$/, ''))!.id);
      expect(Buffer.from(specMask(json, image.id)).equals(Buffer.from(mask.labels)), image.file_name).toBe(true);
    }
  });
});
