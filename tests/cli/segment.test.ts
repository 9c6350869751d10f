// `facet segment` as users run it, on a temp folder of real photos with the awkward cases mixed
// in: an EXIF-rotated copy, a large upscaled copy, a PNG with alpha, a WebP in a subfolder, a text
// file, a truncated JPEG and a text file named .jpg.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLASS_COLORS } from '../../src-main/contract/classes';
import { decodePng8 } from '../../src-main/dataset/io/png8';
import { readSummary } from '../../src-main/segment/summary';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';
import { saveModel, tinyModel } from '../segment/model-fixture';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function facet(args: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/** Names, contents and modification times of every file: any change to the folder changes it. */
async function folderHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of await listFiles(dir)) {
    const path = join(dir, rel);
    hash.update(`${rel}\0${(await stat(path)).mtimeMs}\0`);
    hash.update(await readFile(path));
  }
  return hash.digest('hex');
}

async function maskOf(path: string): Promise<{ width: number; height: number; labels: Uint8Array; palette: readonly (readonly number[])[] | null }> {
  const png = decodePng8(await readFile(path));
  return { width: png.width, height: png.height, labels: png.samples, palette: png.palette };
}

function agreement(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

describeWith([needsData()], 'facet segment on a folder of real photos', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let inDir: string;
  let outDir: string;
  let modelDir: string;
  let inputHash: string;
  let first: RunResult;

  // Oriented sizes every mask must have.
  const expected: Record<string, [number, number]> = {
    'a.jpg': [512, 512],
    'people/b.jpg': [512, 512],
    // Stored 400x300 landscape with EXIF orientation 6 (rotate 90° clockwise): shown 300x400.
    'rotated.jpg': [300, 400],
    // The same pixels, turned by the pixels themselves: its mask must match rotated.jpg's.
    'upright.jpg': [300, 400],
    'large/huge.jpg': [3000, 2000],
    'c.png': [512, 384],
    'people/d.webp': [512, 512],
  };

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-segment-cli-'));
    inDir = join(root, 'photos');
    outDir = join(root, 'out');
    const images = (await readdir(join(celebaDir(), 'images'))).filter((n) => n.endsWith('.jpg')).sort();
    const [p1, p2, p3] = images.slice(0, 3).map((n) => join(celebaDir(), 'images', n));
    await mkdir(join(inDir, 'people'), { recursive: true });
    await mkdir(join(inDir, 'large'), { recursive: true });
    await writeFile(join(inDir, 'a.jpg'), await readFile(p1!));
    await writeFile(join(inDir, 'people/b.jpg'), await readFile(p2!));
    const landscape = await sharp(p3!).extract({ left: 56, top: 106, width: 400, height: 300 }).raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: 400, height: 300, channels: 3 as const } };
    await sharp(landscape.data, raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(join(inDir, 'rotated.jpg'));
    await sharp(landscape.data, raw).rotate(90).jpeg({ quality: 95 }).toFile(join(inDir, 'upright.jpg'));
    await sharp(p1!).resize(3000, 2000, { fit: 'fill' }).jpeg({ quality: 80 }).toFile(join(inDir, 'large/huge.jpg'));
    await sharp(p2!).resize(512, 384, { fit: 'fill' }).ensureAlpha(0.8).png().toFile(join(inDir, 'c.png'));
    await sharp(p3!).webp().toFile(join(inDir, 'people/d.webp'));
    await writeFile(join(inDir, 'notes.txt'), 'not a photo\n');
    await writeFile(join(inDir, 'people/fake.jpg'), 'this is text, not a JPEG\n');
    const whole = await readFile(p1!);
    await writeFile(join(inDir, 'large/truncated.jpg'), whole.subarray(0, Math.floor(whole.length / 3)));
    modelDir = await saveModel(await tinyModel(32), join(root, 'model'));
    inputHash = await folderHash(inDir);
    first = await facet(['segment', inDir, '--out', outDir, '--model', modelDir, '--overlay']);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('segments every readable photo, reports the bad ones and exits with status 2', () => {
    expect(first.stderr).toContain('large/truncated.jpg');
    expect(first.stderr).toContain('people/fake.jpg');
    expect(first.stderr).not.toContain('notes.txt');
    expect(first.stdout).toContain('7 segmented, 0 already done, 2 failed');
    expect(first.code).toBe(2);
  });

  it('writes masks named like the photos, mirroring subfolders, at the oriented photo size', async () => {
    const files = await listFiles(outDir);
    for (const [photo, [w, h]] of Object.entries(expected)) {
      const maskRel = photo.replace(/\.[^.]+$/, '.png');
      expect(files).toContain(maskRel);
      const mask = await maskOf(join(outDir, maskRel));
      expect([mask.width, mask.height], photo).toEqual([w, h]);
      expect(mask.palette?.slice(0, 8)).toEqual(CLASS_COLORS.map((c) => [...c]));
      expect(Math.max(...mask.labels.subarray(0, 100_000))).toBeLessThan(8);
    }
    expect(files.filter((f) => f.endsWith('.png') && !f.startsWith('overlays/')).length).toBe(7);
    // No temp files left behind by the atomic writes.
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('applies the EXIF orientation before segmenting', async () => {
    const rotated = await maskOf(join(outDir, 'rotated.png'));
    const upright = await maskOf(join(outDir, 'upright.png'));
    // Same oriented pixels up to JPEG re-encoding: the masks agree almost everywhere.
    expect(agreement(rotated.labels, upright.labels)).toBeGreaterThan(0.95);
  });

  it('writes colour overlays at photo size in their own subfolder', async () => {
    const meta = await sharp(join(outDir, 'overlays/large/huge.jpg')).metadata();
    expect([meta.width, meta.height]).toEqual([3000, 2000]);
    const files = await listFiles(join(outDir, 'overlays'));
    expect(files.sort()).toEqual(Object.keys(expected).map((p) => p.replace(/\.[^.]+$/, '.jpg')).sort());
  });

  it('writes summary.csv with size, faces, class fractions and seconds per photo', async () => {
    const rows = await readSummary(join(outDir, 'summary.csv'));
    expect([...rows.keys()].sort()).toEqual([...Object.keys(expected), 'large/truncated.jpg', 'people/fake.jpg'].sort());
    for (const [photo, [w, h]] of Object.entries(expected)) {
      const row = rows.get(photo)!;
      expect(row.status).toBe('ok');
      expect([row.width, row.height]).toEqual([w, h]);
      expect(row.faces).toBe(0);
      expect(row.fractions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(row.seconds).toBeGreaterThan(0);
      // The fractions are those of the mask on disk.
      const mask = await maskOf(join(outDir, row.mask));
      const skin = mask.labels.reduce((n, v) => n + (v === 1 ? 1 : 0), 0) / mask.labels.length;
      expect(row.fractions[1]).toBeCloseTo(skin, 5);
    }
    expect(rows.get('large/truncated.jpg')).toMatchObject({ status: 'error', mask: '' });
    expect(rows.get('large/truncated.jpg')!.error).toMatch(/^large\/truncated\.jpg: truncated or corrupt/);
    expect(rows.get('people/fake.jpg')!.error).toMatch(/^people\/fake\.jpg: not (a supported image|an image)/);
  });

  it('never modifies the input folder', async () => {
    expect(await folderHash(inDir)).toBe(inputHash);
  });

  it('resumes: a re-run skips finished photos and retries only the failed ones', async () => {
    const maskPath = join(outDir, 'large/huge.png');
    const before = (await stat(maskPath)).mtimeMs;
    const again = await facet(['segment', inDir, '--out', outDir, '--model', modelDir, '--overlay']);
    expect(again.stdout).toContain('0 segmented, 7 already done, 2 failed');
    expect((await stat(maskPath)).mtimeMs).toBe(before);
    // A removed mask is redone, the rest still skipped.
    await rm(join(outDir, 'people/b.png'));
    const third = await facet(['segment', inDir, '--out', outDir, '--model', modelDir, '--overlay']);
    expect(third.stdout).toContain('1 segmented, 6 already done, 2 failed');
    const forced = await facet(['segment', inDir, '--out', outDir, '--model', modelDir, '--force']);
    expect(forced.stdout).toContain('7 segmented, 0 already done, 2 failed');
    expect((await stat(maskPath)).mtimeMs).toBeGreaterThan(before);
    expect(await folderHash(inDir)).toBe(inputHash);
  });

  it('--faces segments each detected face of a group photo and reports the count', async () => {
    const groupDir = join(root, 'group');
    await mkdir(groupDir);
    const images = (await readdir(join(celebaDir(), 'images'))).filter((n) => n.endsWith('.jpg')).sort();
    const faces = await Promise.all(images.slice(0, 2).map((n) => sharp(join(celebaDir(), 'images', n)).resize(300, 300).jpeg().toBuffer()));
    await sharp({ create: { width: 1400, height: 800, channels: 3, background: { r: 120, g: 120, b: 120 } } })
      .composite([
        { input: faces[0]!, left: 100, top: 300 },
        { input: faces[1]!, left: 900, top: 80 },
      ])
      .jpeg()
      .toFile(join(groupDir, 'two-people.jpg'));
    const out = join(root, 'out-faces');
    const result = await facet(['segment', groupDir, '--out', out, '--model', modelDir, '--faces']);
    expect(result.code, result.stderr).toBe(0);
    const row = (await readSummary(join(out, 'summary.csv'))).get('two-people.jpg')!;
    expect(row).toMatchObject({ status: 'ok', width: 1400, height: 800, faces: 2 });
    const mask = await maskOf(join(out, 'two-people.png'));
    expect([mask.width, mask.height]).toEqual([1400, 800]);
    // Far from both faces, nothing but background.
    for (const [x, y] of [[700, 700], [1350, 750], [20, 20]] as const) expect(mask.labels[y * 1400 + x], `pixel ${x},${y}`).toBe(0);
  });

  it('refuses an output folder inside the input folder, and a missing model, with a clear message', async () => {
    const nested = await facet(['segment', inDir, '--out', join(inDir, 'masks'), '--model', modelDir]);
    expect(nested.code).toBe(1);
    expect(nested.stderr).toContain('must not be inside the input folder');
    const noModel = await facet(['segment', inDir, '--out', join(root, 'x'), '--model', join(root, 'nowhere')]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toContain('model.json');
    expect(await folderHash(inDir)).toBe(inputHash);
  });

  it('refuses an output folder reached through a symlink into the input, and one that is a file, in words', async () => {
    await symlink(join(inDir, 'people'), join(root, 'masks-link'));
    const linked = await facet(['segment', inDir, '--out', join(root, 'masks-link'), '--model', modelDir]);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('must not be inside the input folder');
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const onFile = await facet(['segment', inDir, '--out', file, '--model', modelDir]);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr).toContain(`${file} is a file, not a folder`);
    expect(onFile.stderr).not.toMatch(/EEXIST|ENOTDIR/);
    expect(await folderHash(inDir)).toBe(inputHash);
  });
  it('--model accurate segments with the bundled accurate model (320 px, flip) and agrees with the fast one', async () => {
    const one = join(root, 'one');
    await mkdir(one);
    await writeFile(join(one, 'a.jpg'), await readFile(join(inDir, 'a.jpg')));
    const accurate = await facet(['segment', one, '--out', join(root, 'out-accurate'), '--model', 'accurate', '--json-progress']);
    expect(accurate.code).toBe(0);
    const start = JSON.parse(accurate.stdout.split('\n').find((l) => l.includes('"start"'))!) as { model: string };
    expect(start.model).toMatch(/resources[\\/]models[\\/]accurate$/);
    const fast = await facet(['segment', one, '--out', join(root, 'out-fast'), '--no-progress']);
    expect(fast.code).toBe(0);
    const [a, b] = [await maskOf(join(root, 'out-accurate', 'a.png')), await maskOf(join(root, 'out-fast', 'a.png'))];
    expect([a.width, a.height]).toEqual([512, 512]);
    // Two good models of the same face: the same labels almost everywhere, yet not one model twice.
    const same = agreement(a.labels, b.labels);
    expect(same).toBeGreaterThan(0.95);
    expect(same).toBeLessThan(1);
  });

});
