// The inference levers as a user reaches them: `facet eval --flip/--no-flip/--full-res`,
// `facet segment --flip/--no-flip`, and a model folder whose facet-model.json says `tta: "flip"`
// (on by default, `--no-flip` turns it off). On 5 real photos (1 in the val split).
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EvalReport } from '../../src-main/contract/training';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const BUNDLED = fileURLToPath(new URL('../../resources/models/default', import.meta.url));
const facet = (args: string[]) => run(process.execPath, [bin, ...args], { maxBuffer: 32 * 1024 * 1024 });

describeWith([needsData()], 'facet eval and segment with the inference levers', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};
  let data = '';
  let flipModel = '';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // A labelled folder of 5 real photos, linked (never copied): every 5th (sorted) is val.
    data = join(dir, 'data');
    await mkdir(join(data, 'images'), { recursive: true });
    await mkdir(join(data, 'masks'), { recursive: true });
    const names = (await readdir(join(celebaDir(), 'images'))).sort().slice(0, 5);
    for (const n of names) {
      await symlink(join(celebaDir(), 'images', n), join(data, 'images', n));
      const mask = n.replace(/\.jpg$/, '.png');
      await symlink(join(celebaDir(), 'masks', mask), join(data, 'masks', mask));
    }
    // The bundled model, its description saying `tta: "flip"`.
    flipModel = join(dir, 'flip-model');
    await mkdir(flipModel);
    for (const f of ['model.json', 'weights.bin']) await symlink(join(BUNDLED, f), join(flipModel, f));
    const meta = JSON.parse(await readFile(join(BUNDLED, 'facet-model.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(flipModel, 'facet-model.json'), JSON.stringify({ ...meta, tta: 'flip' }));
  }, 60_000);

  afterAll(async () => {
    await cleanup();
  });

  const evalJson = async (extra: string[]): Promise<EvalReport> => {
    const { stdout } = await facet(['eval', '--data', data, '--preset', 'celebamask-hq', '--split', 'val', '--json', ...extra]);
    return JSON.parse(stdout) as EvalReport;
  };
  const pixels = (r: EvalReport): number => r.metrics.confusion.flat().reduce((a, b) => a + b, 0);

  it('eval: model size without flip by default; --full-res --flip scores 512x512 with the flip', async () => {
    const plain = await evalJson(['--model', 'default']);
    expect(plain).toMatchObject({ images: 1, flip: false, fullResolution: false });
    expect(pixels(plain)).toBe(256 * 256);
    const full = await evalJson(['--model', 'default', '--full-res', '--flip']);
    expect(full).toMatchObject({ images: 1, flip: true, fullResolution: true });
    expect(pixels(full)).toBe(512 * 512);
    expect(full.inferenceSeconds).toBeGreaterThan(0);
  }, 120_000);

  it('eval: a model folder with tta "flip" flips by default, --no-flip turns it off', async () => {
    const byDefault = await evalJson(['--model', flipModel]);
    const off = await evalJson(['--model', flipModel, '--no-flip']);
    const plain = await evalJson(['--model', 'default']);
    expect(byDefault.flip).toBe(true);
    expect(off.flip).toBe(false);
    expect(off.metrics.confusion).toEqual(plain.metrics.confusion);
    expect(byDefault.metrics.confusion).not.toEqual(plain.metrics.confusion);
  }, 120_000);

  it('segment: --no-flip gives other masks than the tta "flip" model\'s default, --flip the same', async () => {
    const masks = async (out: string, extra: string[]): Promise<Buffer[]> => {
      await facet(['segment', join(data, 'images'), '--out', join(dir, out), '--model', flipModel, '--no-progress', ...extra]);
      const files = (await readdir(join(dir, out))).filter((f) => f.endsWith('.png')).sort();
      expect(files).toHaveLength(5);
      return Promise.all(files.map((f) => readFile(join(dir, out, f))));
    };
    const byDefault = await masks('default', []);
    const flipped = await masks('flip', ['--flip']);
    const off = await masks('off', ['--no-flip']);
    expect(flipped).toEqual(byDefault);
    expect(off).not.toEqual(byDefault);
  }, 180_000);
});
