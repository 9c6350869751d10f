import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASS_COLORS } from '../../src-main/contract/classes';
import { decodeImage, decodePng8, encodePng8, readIndexedPng, readMaskWithPreset, writeIndexedPng } from '../../src-main/dataset/io/index';
import { loadPreset } from '../../src-main/dataset/presets/index';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

describe('indexed PNG masks', () => {
  it('writes the fixed class palette and reads back every label (checked with fast-png)', async () => {
    const labels = bands(37, 23, 5);
    const path = join(dir, 'm', 'a.png');
    await writeIndexedPng(path, labels, 37, 23);
    const other = decode(await readFile(path));
    expect(other.palette?.map((c) => [c[0], c[1], c[2]])).toEqual(CLASS_COLORS.map((c) => [...c]));
    expect(Buffer.from(other.data as Uint8Array).equals(Buffer.from(labels))).toBe(true);
    expect(Buffer.from((await readIndexedPng(path)).labels).equals(Buffer.from(labels))).toBe(true);
    // Atomic write leaves no temp files behind.
    expect(await readdir(join(dir, 'm'))).toEqual(['a.png']);
  });

  it('refuses labels outside 0..7', async () => {
    await expect(writeIndexedPng(join(dir, 'bad.png'), Uint8Array.from([0, 9]), 2, 1)).rejects.toThrow(/label 9 at pixel 1/);
  });

  it('decodes every PNG row filter (sharp writes adaptive filters) and interlaced files via the fallback', async () => {
    const w = 61;
    const h = 40;
    const gray = Buffer.alloc(w * h);
    for (let i = 0; i < gray.length; i++) gray[i] = (i * 7 + (i % w) * (i % 13)) & 0xff;
    for (const progressive of [false, true]) {
      const png = await sharp(gray, { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').png({ adaptiveFiltering: true, progressive }).toBuffer();
      const out = decodePng8(png);
      expect([out.width, out.height]).toEqual([w, h]);
      expect(Buffer.from(out.samples).equals(gray)).toBe(true);
    }
  });

  it('unpacks 2- and 4-bit palette PNGs (as optimisers write them) to the right indices', async () => {
    const w = 9;
    const h = 5;
    const colours = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [255, 255, 0], [0, 255, 255]];
    for (const [bitdepth, n] of [[2, 4], [4, 7]] as const) {
      const rgb = Buffer.alloc(w * h * 3);
      const expected = Array.from({ length: w * h }, (_, i) => (i * 7 + Math.floor(i / w)) % n);
      expected.forEach((c, i) => rgb.set(colours[c]!, i * 3));
      const png = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png({ palette: true, colours: 2 ** bitdepth, dither: 0 }).toBuffer();
      expect(png[24], 'bit depth in IHDR').toBe(bitdepth);
      const out = decodePng8(png);
      // The indices are whatever the encoder chose: check them through the file's own palette.
      expect(Array.from(out.samples).map((i) => out.palette![i]!.join())).toEqual(expected.map((c) => colours[c]!.join()));
    }
  });

  it('reads 16-bit gray masks whose values fit a byte', async () => {
    const png = encode({ width: 3, height: 1, data: Uint16Array.from([0, 7, 18]), channels: 1, depth: 16 });
    expect(Array.from(decodePng8(png).samples)).toEqual([0, 7, 18]);
    const big = encode({ width: 1, height: 1, data: Uint16Array.from([300]), channels: 1, depth: 16 });
    expect(() => decodePng8(big)).toThrow('16-bit gray value 300 is not a label');
  });

  it('reports corrupt and truncated masks with the file name', async () => {
    const good = encodePng8(bands(20, 20, 1), 20, 20, null);
    const truncated = join(dir, 'trunc.png');
    await writeFile(truncated, good.subarray(0, good.length - 30));
    await expect(readIndexedPng(truncated)).rejects.toThrow(`${truncated}: truncated`);
    const flipped = Buffer.from(good);
    flipped[50] = flipped[50]! ^ 0xff;
    const corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, flipped);
    await expect(readIndexedPng(corrupt)).rejects.toThrow(`${corrupt}: bad checksum`);
  });
});

describe('source masks through a preset', () => {
  it('reads the palette index (not the colour) of a CelebAMask-style mask', async () => {
    // Two palette entries share a colour: only the index tells them apart.
    const palette = Array.from({ length: 19 }, (_, i) => (i === 13 ? [0, 0, 0] : [i * 10, 0, 0]));
    const samples = Uint8Array.from([0, 13, 3, 8, 10, 1]);
    const path = join(dir, 'celeba.png');
    await makeMaskPng(path, samples, 3, 2, palette);
    const m = await readMaskWithPreset(path, loadPreset('celebamask-hq'));
    expect([m.width, m.height]).toEqual([3, 2]);
    expect(Array.from(m.labels)).toEqual([0, 0, 7, 6, 5, 1]);
  });

  it('names the file and the values a preset does not know', async () => {
    const path = join(dir, 'seed.png');
    await makeMaskPng(path, Uint8Array.from([0, 16, 20, 21]), 2, 2);
    await expect(readMaskWithPreset(path, loadPreset('seed-18'))).rejects.toThrow(`${path}: mask values 20, 21 not named by preset seed-18`);
  });

  it('accepts a gray mask saved as RGB but not a colour one', async () => {
    const path = join(dir, 'rgbgray.png');
    await sharp(Buffer.from([3, 3, 3, 5, 5, 5]), { raw: { width: 2, height: 1, channels: 3 } }).png().toFile(path);
    expect(Array.from((await readMaskWithPreset(path, loadPreset('labels8'))).labels)).toEqual([3, 5]);
    const colour = join(dir, 'colour.png');
    await sharp(Buffer.from([3, 4, 3, 5, 5, 5]), { raw: { width: 2, height: 1, channels: 3 } }).png().toFile(colour);
    await expect(readMaskWithPreset(colour, loadPreset('labels8'))).rejects.toThrow(/colour image/);
  });
});

describe('decodeImage', () => {
  it('applies the EXIF orientation once and returns RGB', async () => {
    const path = join(dir, 'rot.jpg');
    await makePhoto(path, 40, 24, { orientation: 6 });
    const img = await decodeImage(path);
    expect([img.width, img.height, img.orientation, img.format]).toEqual([24, 40, 6, 'jpeg']);
    expect(img.data.length).toBe(24 * 40 * 3);
  });

  it('decodes PNG, WebP and TIFF', async () => {
    for (const format of ['png', 'webp', 'tiff'] as const) {
      const path = join(dir, `p.${format}`);
      await makePhoto(path, 17, 9, { format });
      const img = await decodeImage(path);
      expect([img.width, img.height, img.format]).toEqual([17, 9, format]);
    }
  });

  it('names the file for a truncated JPEG, a non-image and an empty file', async () => {
    const full = join(dir, 'full.jpg');
    await makePhoto(full, 64, 64);
    const bytes = await readFile(full);
    const cut = join(dir, 'cut.jpg');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(decodeImage(cut)).rejects.toThrow(`${cut}: truncated or corrupt image`);
    const text = join(dir, 'text.jpg');
    await writeFile(text, 'not a photo at all');
    await expect(decodeImage(text)).rejects.toThrow(`${text}: not an image`);
    const empty = join(dir, 'empty.png');
    await writeFile(empty, '');
    await expect(decodeImage(empty)).rejects.toThrow(`${empty}: empty file`);
  });
});

describe('stale temp files', () => {
  it('sweeps temp files of dead writers and keeps those of live ones', async () => {
    const { sweepStaleTemps } = await import('../../src-main/dataset/io/atomic');
    const d = join(dir, 'sweep', 'sub');
    await writeIndexedPng(join(d, 'keep.png'), bands(4, 4, 0), 4, 4);
    // pid 2^22+1 is above Linux's pid_max default range: no such process.
    await writeFile(join(d, '.keep.png.4194305.deadbeef.tmp'), 'torn');
    await writeFile(join(d, `.other.png.${process.pid}.cafebabe.tmp`), 'in flight');
    expect(await sweepStaleTemps(join(dir, 'sweep'))).toBe(1);
    expect((await readdir(d)).sort()).toEqual([`.other.png.${process.pid}.cafebabe.tmp`, 'keep.png']);
  });
});
