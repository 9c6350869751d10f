import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLabelledFolder, listSourceFolder } from '../../src-main/dataset/folder';
import { compilePreset, loadPreset, presetFileSchema, presetsDir } from '../../src-main/dataset/presets/index';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';
import { tempDir } from '../helpers/temp';
import { bands, makeMaskPng, makePhoto } from './fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-folder-')));
afterAll(() => cleanup());

describe('source folders', () => {
  it('pairs images with masks by name and says why other files are left out', async () => {
    const d = join(root, 'mixed');
    await makePhoto(join(d, 'images', 'a.jpg'), 4, 4);
    await makeMaskPng(join(d, 'masks', 'a.png'), bands(4, 4, 0), 4, 4);
    await makePhoto(join(d, 'images', 'b.JPEG'), 4, 4);
    await makePhoto(join(d, 'images', 'c.jpg'), 4, 4);
    await makeMaskPng(join(d, 'masks', 'c.png'), bands(4, 4, 0), 4, 4);
    await writeFile(join(d, 'masks', 'c.txt'), 'x');
    await makeMaskPng(join(d, 'masks', 'ghost.png'), bands(4, 4, 0), 4, 4);
    await writeFile(join(d, 'images', '.DS_Store'), 'x');
    await symlink(join(d, 'images', 'a.jpg'), join(d, 'images', 'link.jpg'));
    const listing = await listSourceFolder(d, loadPreset('labels8'));
    expect(listing.items.map((i) => [i.name, i.maskPath !== null])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
      ['link', false],
    ]);
    expect(listing.rejected).toEqual([
      { file: join(d, 'images', '.DS_Store'), reason: 'hidden file (its name starts with a dot): not imported' },
      { file: join(d, 'masks', 'c.txt'), reason: 'not a mask file for preset labels8 (expected .png)' },
      { file: join(d, 'masks', 'ghost.png'), reason: 'mask without an image (no image named "ghost")' },
    ]);
    expect((await listLabelledFolder(d, loadPreset('labels8'))).map((p) => p.name)).toEqual(['a', 'c']);
    await expect(listLabelledFolder(d, loadPreset('images-only'))).rejects.toThrow(/has no masks/);
  });

  it('names every entry it does not import: hidden names, subfolders, special files and bad symlinks', async () => {
    const d = join(root, 'odd');
    const images = join(d, 'images');
    await makePhoto(join(images, 'ok.jpg'), 4, 4);
    await makePhoto(join(images, '...jpg'), 4, 4);
    await makePhoto(join(images, '...x.jpg'), 4, 4);
    await makePhoto(join(images, 'sub', 'deep', 'nested.jpg'), 4, 4);
    await mkdir(join(images, 'empty'));
    await writeFile(join(images, 'back\\slash.jpg'), await readFile(join(images, 'ok.jpg')));
    await symlink('/dev/zero', join(images, 'zero.jpg'));
    await symlink(join(images, 'sub'), join(images, 'folder.jpg'));
    await symlink(join(d, 'nowhere.jpg'), join(images, 'dangling.jpg'));
    await symlink(join(images, 'loop-b.jpg'), join(images, 'loop-a.jpg'));
    await symlink(join(images, 'loop-a.jpg'), join(images, 'loop-b.jpg'));
    const listing = await listSourceFolder(d, loadPreset('images-only'));
    expect(listing.items.map((i) => i.name)).toEqual(['ok']);
    const why = Object.fromEntries(listing.rejected.map((r) => [r.file.slice(images.length + 1), r.reason]));
    expect(why).toEqual({
      '...jpg': 'hidden file (its name starts with a dot): not imported',
      '...x.jpg': 'hidden file (its name starts with a dot): not imported',
      'back\\slash.jpg': 'its name "back\\slash" contains a path separator (/ or \\), so it cannot name an image',
      'dangling.jpg': `dangling symlink: its target ${join(d, 'nowhere.jpg')} does not exist`,
      empty: `an empty subfolder: only files directly in ${images} are imported`,
      'folder.jpg': `symlink to a folder (${join(images, 'sub')}): folders are not followed`,
      'loop-a.jpg': `symlink loop (${join(images, 'loop-b.jpg')})`,
      'loop-b.jpg': `symlink loop (${join(images, 'loop-a.jpg')})`,
      [join('sub', 'deep', 'nested.jpg')]: `in a subfolder: only files directly in ${images} are imported`,
      'zero.jpg': 'symlink to a character device (/dev/zero), not a regular file',
    });
  });

  it('treats names differing only in case as duplicates (they collide on macOS and Windows)', async () => {
    const d = join(root, 'case');
    await makePhoto(join(d, 'Face.jpg'), 4, 4);
    await makePhoto(join(d, 'face.jpg'), 4, 4);
    await makePhoto(join(d, 'Other.jpg'), 4, 4);
    const listing = await listSourceFolder(d, loadPreset('images-only'));
    expect(listing.items.map((i) => i.name)).toEqual(['Other']);
    expect(listing.rejected.map((r) => r.reason)).toEqual([
      'duplicate name: Face.jpg and face.jpg are both image "Face"',
      'duplicate name: Face.jpg and face.jpg are both image "Face"',
    ]);
  });

  it('matches masks with a preset suffix (a_mask.png for a.jpg)', async () => {
    const d = join(root, 'suffix');
    await makePhoto(join(d, 'images', 'a.jpg'), 4, 4);
    await makeMaskPng(join(d, 'masks', 'a_mask.png'), bands(4, 4, 0), 4, 4);
    await makeMaskPng(join(d, 'masks', 'b.png'), bands(4, 4, 0), 4, 4);
    const file = JSON.parse(await readFile(join(presetsDir(), 'labels8.json'), 'utf8')) as { masks: Record<string, unknown> };
    file.masks['suffix'] = '_mask';
    const preset = compilePreset(presetFileSchema.parse(file));
    const listing = await listSourceFolder(d, preset);
    expect(listing.items).toEqual([{ name: 'a', imagePath: join(d, 'images', 'a.jpg'), maskPath: join(d, 'masks', 'a_mask.png') }]);
    expect(listing.rejected.map((r) => r.file)).toEqual([join(d, 'masks', 'b.png')]);
  });

  it('reads a flat folder as images when the preset has no masks', async () => {
    const d = join(root, 'flat');
    await mkdir(d, { recursive: true });
    await makePhoto(join(d, 'x.webp'), 4, 4, { format: 'webp' });
    const listing = await listSourceFolder(d, loadPreset('images-only'));
    expect(listing.imagesDir).toBe(d);
    expect(listing.items).toEqual([{ name: 'x', imagePath: join(d, 'x.webp'), maskPath: null }]);
  });
});

describeWith([needsData()], 'celebamask-hq-800 folder', () => {
  it('lists all 801 pairs in place', async () => {
    const pairs = await listLabelledFolder(celebaDir(), loadPreset('celebamask-hq'));
    expect(pairs).toHaveLength((await readdir(join(celebaDir(), 'images'))).length);
    expect(pairs).toHaveLength(801);
    expect(pairs[0]).toEqual({ name: pairs[0]!.name, imagePath: join(celebaDir(), 'images', `${pairs[0]!.name}.jpg`), maskPath: join(celebaDir(), 'masks', `${pairs[0]!.name}.png`) });
  });
});
