import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { exportProject } from '../../../src-main/dataset/export';
import { vocColor } from '../../../src-main/dataset/formats/cvat-mask';
import { EXPORT_FORMATS } from '../../../src-main/dataset/formats/index';
import { importFolder } from '../../../src-main/dataset/import';
import { loadPreset } from '../../../src-main/dataset/presets/index';
import { readMask } from '../../../src-main/dataset/store/revisions';
import { closeAllStores, openStore, type ProjectStore } from '../../../src-main/dataset/store/store';
import { describeWith } from '../../helpers/describe-with';
import { needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';
import { makePhoto, makeRgbMask } from '../fixtures/make';
import { contents, expectSameContents, realProject, syntheticProject } from './fixtures';
import { specParseLabelmap } from './spec-decoders';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-cvat-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

async function roundTrip(store: ProjectStore, tag: string): Promise<{ out: string; again: ProjectStore }> {
  const out = join(root, `export-${tag}`);
  await exportProject(store, { out, format: EXPORT_FORMATS['cvat-mask'] });
  const again = openStore(join(root, `reimport-${tag}`), { create: true });
  const report = await importFolder(again, { source: out, preset: loadPreset('cvat-mask'), mode: 'copy' });
  expect(report.skipped, JSON.stringify(report.files.filter((f) => f.outcome === 'skipped'))).toBe(0);
  return { out, again };
}

/** A SegmentationClass PNG read as any image reader would (sharp → RGB), mapped back through the labelmap. */
async function readClassPng(path: string, labelmap: { name: string; color: [number, number, number] | null }[]): Promise<Uint8Array> {
  const { data, info } = await sharp(path).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const byColor = new Map(labelmap.map((l) => [l.color!.join(','), CLASS_NAMES.indexOf(l.name as (typeof CLASS_NAMES)[number])]));
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) {
    const cls = byColor.get(`${data[i * 3]},${data[i * 3 + 1]},${data[i * 3 + 2]}`);
    if (cls === undefined) throw new Error(`${path}: pixel ${i} has a colour not in labelmap.txt`);
    out[i] = cls;
  }
  return out;
}

async function expectFilesMatchProject(out: string, store: ProjectStore): Promise<void> {
  const labelmap = specParseLabelmap(await readFile(join(out, 'labelmap.txt'), 'utf8'));
  expect(labelmap.map((l) => l.name)).toEqual([...CLASS_NAMES]);
  // Background is (0, 0, 0), as CVAT and Pascal VOC expect.
  expect(labelmap[0]!.color).toEqual([0, 0, 0]);
  expect(new Set(labelmap.map((l) => l.color!.join(','))).size).toBe(8);
  const listed = (await readFile(join(out, 'ImageSets', 'Segmentation', 'default.txt'), 'utf8')).split('\n').filter(Boolean).sort();
  const labelled = store.allRows().filter((r) => r.mask_revision > 0).map((r) => r.name).sort();
  expect(listed).toEqual(labelled);
  expect((await readdir(join(out, 'SegmentationClass'))).sort()).toEqual(labelled.map((n) => `${n}.png`));
  for (const name of labelled) {
    const mask = await readMask(store, store.rowByName(name)!.id);
    expect(Buffer.from(await readClassPng(join(out, 'SegmentationClass', `${name}.png`), labelmap)).equals(Buffer.from(mask.labels)), name).toBe(true);
    // Instance masks: one instance per class present, coloured by the VOC instance colormap.
    const { data } = await sharp(join(out, 'SegmentationObject', `${name}.png`)).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < mask.labels.length; i++) {
      if (`${data[i * 3]},${data[i * 3 + 1]},${data[i * 3 + 2]}` !== vocColor(mask.labels[i]!).join(',')) throw new Error(`${name}: instance pixel ${i}`);
    }
  }
}

describe('CVAT Segmentation mask 1.1 export and import', () => {
  let store: ProjectStore;
  beforeAll(async () => {
    store = await syntheticProject(root);
  });

  it('round-trips pixel-exact through export → import', async () => {
    const { out, again } = await roundTrip(store, 'synthetic');
    expectSameContents(await contents(again), await contents(store), 'cvat', ['turned']);
    expect((await readdir(join(out, 'JPEGImages'))).sort()).toEqual(['a.jpg', 'b.png', 'empty.jpg', 'turned.png']);
  });

  it('writes labelmap.txt, the image set and colour masks as the format defines them', async () => {
    await expectFilesMatchProject(join(root, 'export-synthetic'), store);
  });

  it('gives the VOC colormap its published first colours', () => {
    // Pascal VOC: background 0,0,0; aeroplane 128,0,0; bicycle 0,128,0; bird 128,128,0; boat 0,0,128 ...
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(vocColor)).toEqual([
      [0, 0, 0],
      [128, 0, 0],
      [0, 128, 0],
      [128, 128, 0],
      [0, 0, 128],
      [128, 0, 128],
      [0, 128, 128],
      [128, 128, 128],
    ]);
  });

  it('imports a CVAT export with its own colours, comments and photos beside the masks', async () => {
    const src = join(root, 'cvat-made');
    await makePhoto(join(src, 'f.jpg'), 3, 2);
    await writeFile(
      join(src, 'labelmap.txt'),
      ['# label:color_rgb:parts:actions', 'background:0,0,0::', '', 'Nose:10,20,30::', 'face:250,128,114::', 'hair:1,2,3::'].join('\n'),
    );
    // nose, face (→ skin by the label map), background / hair (→ background), nose, face.
    await makeRgbMask(join(src, 'SegmentationClass', 'f.png'), Uint8Array.from([10, 20, 30, 250, 128, 114, 0, 0, 0, 1, 2, 3, 10, 20, 30, 250, 128, 114]), 3, 2);
    const project = openStore(join(root, 'cvat-made-project'), { create: true });
    await expect(importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' })).rejects.toThrow(
      `${join(src, 'labelmap.txt')}: label "face" is not one of the classes`,
    );
    const report = await importFolder(project, { source: src, preset: loadPreset('cvat-mask', { labelMap: { face: 'skin', hair: 0 } }), mode: 'copy' });
    expect(report.files).toEqual([{ file: join(src, 'f.jpg'), outcome: 'imported' }]);
    expect([...(await readMask(project, project.rowByName('f')!.id)).labels]).toEqual([4, 1, 0, 0, 4, 1]);
  });

  it('skips a mask with a colour the label map does not name, naming the file and the colour', async () => {
    const src = join(root, 'cvat-odd');
    await makePhoto(join(src, 'JPEGImages', 'g.jpg'), 2, 1);
    await writeFile(join(src, 'labelmap.txt'), 'background:0,0,0::\nears:9,9,9::\n');
    const mask = join(src, 'SegmentationClass', 'g.png');
    await makeRgbMask(mask, Uint8Array.from([9, 9, 9, 7, 7, 7]), 2, 1);
    const project = openStore(join(root, 'cvat-odd-project'), { create: true });
    const report = await importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' });
    expect(report.files).toEqual([{ file: join(src, 'JPEGImages', 'g.jpg'), outcome: 'skipped', reason: `${mask}: mask colour #070707: no label of ${join(src, 'labelmap.txt')} has this colour` }]);
  });

  it('names the line of a broken labelmap.txt, and says when there is none', async () => {
    const src = join(root, 'cvat-broken');
    await makePhoto(join(src, 'h.jpg'), 2, 1);
    await makeRgbMask(join(src, 'SegmentationClass', 'h.png'), new Uint8Array(6), 2, 1);
    const project = openStore(join(root, 'cvat-broken-project'), { create: true });
    await expect(importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' })).rejects.toThrow(/labelmap\.txt: not found/);
    await writeFile(join(src, 'labelmap.txt'), 'background:0,0,0::\nnose:300,0,0::\n');
    await expect(importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' })).rejects.toThrow(/labelmap\.txt: line 2: label "nose" has colour "300,0,0", expected r,g,b/);
    await writeFile(join(src, 'labelmap.txt'), 'background:0,0,0::\nnose:0,0,0::\n');
    await expect(importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' })).rejects.toThrow(/line 2: label "nose" has the colour 0,0,0 of label "background"/);
    await writeFile(join(src, 'labelmap.txt'), 'background:0,0,0::\nbackground:1,1,1::\n');
    await expect(importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' })).rejects.toThrow(/line 2: label "background" is defined twice/);
    // Without any colour, labels take the VOC colormap by position (background black, then 128,0,0).
    await writeFile(join(src, 'labelmap.txt'), 'background:::\nmouth:::\n');
    await makeRgbMask(join(src, 'SegmentationClass', 'h.png'), Uint8Array.from([128, 0, 0, 0, 0, 0]), 2, 1);
    expect((await importFolder(project, { source: src, preset: loadPreset('cvat-mask'), mode: 'copy' })).imported).toBe(1);
    expect([...(await readMask(project, project.rowByName('h')!.id)).labels]).toEqual([5, 0]);
  });
});

describeWith([needsData()], 'CVAT Segmentation mask with celebamask-hq-800 images', () => {
  it('round-trips real masks pixel-exact and the files read back through the labelmap', async () => {
    const store = await realProject(join(root, 'real'));
    const { out, again } = await roundTrip(store, 'real');
    expectSameContents(await contents(again), await contents(store), 'cvat real');
    await expectFilesMatchProject(out, store);
  });
});
