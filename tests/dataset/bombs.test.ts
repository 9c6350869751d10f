// Decompression bombs: photos and masks are measured from their headers and refused above the
// pixel limit (or, for a mask, at the wrong size) before anything is inflated.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../src-main/dataset/import';
import { decodeImage } from '../../src-main/dataset/io/image';
import { MAX_MEGAPIXELS_ENV } from '../../src-main/dataset/io/limits';
import { readMaskWithPreset } from '../../src-main/dataset/io/mask';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { readMask } from '../../src-main/dataset/store/revisions';
import { closeAllStores, openStore } from '../../src-main/dataset/store/store';
import { tempDir } from '../helpers/temp';
import { pngBomb } from './fixtures/bomb';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-bombs-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});
afterEach(() => {
  delete process.env[MAX_MEGAPIXELS_ENV];
});

describe('decompression bombs', () => {
  it('refuses a 40000x40000 palette mask beside a 512x512 photo as a size mismatch, from its header', async () => {
    const src = join(root, 'mask-bomb');
    await makePhoto(join(src, 'images', 'face.jpg'), 512, 512);
    await makeMaskPng(join(src, 'masks', 'face.png'), new Uint8Array(1), 1, 1);
    await writeFile(join(src, 'masks', 'face.png'), pngBomb(40000, 40000));
    const store = openStore(join(root, 'p1'), { create: true });
    const report = await importFolder(store, { source: src, preset: loadPreset('celebamask-hq'), mode: 'copy' });
    expect(report.files).toEqual([
      {
        file: join(src, 'images', 'face.jpg'),
        outcome: 'skipped',
        reason: `${join(src, 'masks', 'face.png')}: size mismatch: mask is 40000x40000 but image ${join(src, 'images', 'face.jpg')} is 512x512`,
      },
    ]);
    // On its own (no photo to compare with), the same file is refused by the pixel limit.
    await expect(readMaskWithPreset(join(src, 'masks', 'face.png'), loadPreset('labels8'))).rejects.toMatchObject({
      code: 'bad_file',
      message: `${join(src, 'masks', 'face.png')}: mask is 40000x40000 (1600.0 megapixels), above the limit of 50 megapixels; not decoded (set ${MAX_MEGAPIXELS_ENV} to raise the limit)`,
    });
  });

  it('refuses a 16000x16000 PNG and a 12000x12000 JPEG photo by the pixel limit', async () => {
    const png = join(root, 'huge.png');
    await writeFile(png, pngBomb(16000, 16000, 'gray'));
    await expect(decodeImage(png)).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('photo is 16000x16000 (256.0 megapixels), above the limit of 50 megapixels') });
    // A small JPEG whose frame header says 12000x12000 (the header is all that is read).
    const jpeg = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).jpeg().toBuffer());
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(12000, sof + 5);
    jpeg.writeUInt16BE(12000, sof + 7);
    const big = join(root, 'huge.jpg');
    await writeFile(big, jpeg);
    await expect(decodeImage(big)).rejects.toMatchObject({ message: expect.stringContaining('photo is 12000x12000 (144.0 megapixels)') });
  });

  it('follows FACET_MAX_MEGAPIXELS both ways', async () => {
    const photo = join(root, 'small.jpg');
    await makePhoto(photo, 40, 30);
    process.env[MAX_MEGAPIXELS_ENV] = '0.001';
    await expect(decodeImage(photo)).rejects.toMatchObject({ message: expect.stringContaining('photo is 40x30 (0.0 megapixels), above the limit of 0.001 megapixels') });
    process.env[MAX_MEGAPIXELS_ENV] = 'lots';
    await expect(decodeImage(photo)).rejects.toMatchObject({ code: 'invalid_input', message: `${MAX_MEGAPIXELS_ENV}=lots is not a positive number of megapixels` });
    process.env[MAX_MEGAPIXELS_ENV] = '0.0012';
    expect(await decodeImage(photo)).toMatchObject({ width: 40, height: 30 });
  });

  it("refuses a stored mask that is not the image's size before inflating it (a hostile project)", async () => {
    const src = join(root, 'ok');
    await makePhoto(join(src, 'images', 'a.jpg'), 16, 12);
    await makeMaskPng(join(src, 'masks', 'a.png'), bands(16, 12, 1), 16, 12);
    const store = openStore(join(root, 'p2'), { create: true });
    await importFolder(store, { source: src, preset: loadPreset('labels8'), mode: 'copy' });
    const row = store.rowByName('a')!;
    const rev = store.db.prepare('SELECT file FROM mask_revisions WHERE image_id = ?').get(row.id) as { file: string };
    await writeFile(store.path(rev.file), pngBomb(40000, 40000));
    await expect(readMask(store, row.id)).rejects.toMatchObject({ code: 'bad_file', message: expect.stringContaining('mask is 40000x40000, image a is 16x12') });
  });
});
