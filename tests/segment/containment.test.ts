// The "output not inside input" guard on real paths: an output folder reached through a symlink
// into the input folder (existing, dangling, or below a symlinked parent) is refused, and nothing
// is written into the input folder.
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src-main/contract/domain-error';
import { isInside, realPathOf } from '../../src-main/dataset/io/paths';
import { checkFolders } from '../../src-main/segment/batch';
import { tempDir } from '../helpers/temp';

describe('folder containment on real paths', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let inDir: string;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-containment-'));
    inDir = join(root, 'in');
    await mkdir(join(inDir, 'masks'), { recursive: true });
    await writeFile(join(inDir, 'a.jpg'), await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).jpeg().toBuffer());
    await symlink(join(inDir, 'masks'), join(root, 'link-to-masks'));
    await symlink(join(inDir, 'not-yet'), join(root, 'dangling'));
    await symlink(inDir, join(root, 'link-to-in'));
  });

  afterAll(async () => cleanup?.());

  it('resolves symlinks, also for a path that does not exist yet', async () => {
    const real = await realPathOf(inDir);
    expect(await realPathOf(join(root, 'link-to-masks'))).toBe(join(real, 'masks'));
    expect(await realPathOf(join(root, 'link-to-in', 'new', 'deeper'))).toBe(join(real, 'new', 'deeper'));
    expect(await realPathOf(join(root, 'dangling', 'x'))).toBe(join(real, 'not-yet', 'x'));
    expect(await isInside(join(root, 'link-to-masks'), inDir)).toBe(true);
    expect(await isInside(join(root, 'elsewhere'), inDir)).toBe(false);
  });

  it('refuses an output folder that is a symlink into the input folder', async () => {
    for (const out of [join(root, 'link-to-masks'), join(root, 'dangling'), join(root, 'link-to-in', 'out'), join(root, 'link-to-masks', 'new')]) {
      const check = checkFolders(inDir, out);
      await expect(check, out).rejects.toBeInstanceOf(DomainError);
      await expect(check, out).rejects.toThrow(/\(really .*\) must not be inside the input folder/);
    }
    // The input given through a symlink, the output inside its real folder.
    await expect(checkFolders(join(root, 'link-to-in'), join(inDir, 'out'))).rejects.toThrow(/must not be inside the input folder/);
    // Nothing was created in the input folder.
    expect((await readdir(inDir)).sort()).toEqual(['a.jpg', 'masks']);
  });

  it('accepts a separate output folder and creates it', async () => {
    const out = join(root, 'out', 'masks');
    await expect(checkFolders(inDir, out)).resolves.toEqual({ inDir, outDir: out });
    expect(await readdir(join(root, 'out'))).toEqual(['masks']);
  });
});
