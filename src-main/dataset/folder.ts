// Lists a source folder through a preset without copying anything: which images there are, which
// mask belongs to each, and every other entry with why it cannot be imported (non-images, hidden
// names, subfolders, special files, bad symlinks, duplicate names, orphan masks).
// Import and training (`--data DIR --preset NAME`) both read folders through here.
import { readdir, readlink, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { DomainError } from '../contract/domain-error';
import { isImageName } from './io/image';
import { unsafeNameReason } from './store/paths';
import type { ExpectedSize, MaskLabels } from './io/mask';
import type { Preset } from './presets/load';

export interface SourceItem {
  /** The image's file name without extension: its identity in a project. */
  name: string;
  imagePath: string;
  /** Null when the preset has no masks or this image has none. */
  maskPath: string | null;
  /**
   * How a format (dataset/formats/) reads this item's mask; absent: maskPath through the preset.
   * `photo` is the decoded photo's size, so that a format whose file states the mask's size can
   * refuse a mismatch before decoding.
   */
  readMask?: ((expected: ExpectedSize) => Promise<MaskLabels>) | undefined;
}

export interface SourceRejection {
  file: string;
  reason: string;
}

export interface SourceListing {
  imagesDir: string;
  masksDir: string | null;
  /** Importable items, sorted by name. */
  items: SourceItem[];
  /** Files that cannot be imported, with why. */
  rejected: SourceRejection[];
}

export interface LabelledPair {
  name: string;
  imagePath: string;
  maskPath: string;
}

function stem(file: string): string {
  return file.slice(0, file.length - extname(file).length);
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

function kindOf(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'folder';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isFIFO()) return 'named pipe';
  if (st.isSocket()) return 'socket';
  return 'special file';
}

/** Why a symlink cannot be read as a file (null when it points to a regular file). */
async function symlinkProblem(path: string): Promise<string | null> {
  const target = await readlink(path).catch(() => '?');
  try {
    const st = await stat(path);
    if (st.isFile()) return null;
    if (st.isDirectory()) return `symlink to a folder (${target}): folders are not followed`;
    return `symlink to a ${kindOf(st)} (${target}), not a regular file`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `dangling symlink: its target ${target} does not exist`;
    if (code === 'ELOOP') return `symlink loop (${target})`;
    return `symlink that cannot be followed (${code ?? (error as Error).message})`;
  }
}

/** Every file below `dir` (a subfolder of a listed folder), without following symlinks. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name)).sort();
}

/**
 * The regular files (or symlinks to regular files) directly in `dir`, sorted; every other entry
 * is a rejection with its reason, so nothing a user put there goes unmentioned. `except` is a
 * subfolder that is listed on its own (the masks folder inside a flat images folder).
 */
async function listFiles(dir: string, except: string | null = null): Promise<{ files: string[]; rejected: SourceRejection[] }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DomainError({ code: code === 'ENOENT' ? 'not_found' : 'bad_file', file: dir, message: `${dir}: cannot read folder (${code})` });
  }
  const files: string[] = [];
  const rejected: SourceRejection[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (path === except) continue;
    if (e.name.startsWith('.')) {
      rejected.push({ file: path, reason: `hidden ${e.isDirectory() ? 'folder' : 'file'} (its name starts with a dot): not imported` });
    } else if (e.isDirectory()) {
      const inside = await filesBelow(path);
      if (inside.length === 0) rejected.push({ file: path, reason: `an empty subfolder: only files directly in ${dir} are imported` });
      for (const f of inside) rejected.push({ file: f, reason: `in a subfolder: only files directly in ${dir} are imported` });
    } else if (e.isSymbolicLink()) {
      const problem = await symlinkProblem(path);
      if (problem) rejected.push({ file: path, reason: problem });
      else files.push(e.name);
    } else if (e.isFile()) {
      files.push(e.name);
    } else {
      rejected.push({ file: path, reason: `not a regular file (a ${kindOf(e)})` });
    }
  }
  return { files, rejected };
}

/**
 * Groups files by stem, ignoring case (as macOS and Windows do, and as the project's names are
 * unique); more than one file per stem is a duplicate name. Keyed by the lower-case stem.
 */
function byStem(files: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const key = stem(f).toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return groups;
}

export async function listSourceFolder(source: string, preset: Preset): Promise<SourceListing> {
  const root = resolve(source);
  if (!(await isDir(root))) {
    const exists = await stat(root).catch(() => null);
    throw new DomainError({ code: exists ? 'bad_file' : 'not_found', file: root, message: `${root}: ${exists ? 'not a folder' : 'folder not found'}` });
  }
  const nested = join(root, preset.imagesDir);
  const imagesDir = (await isDir(nested)) ? nested : root;
  let masksDir: string | null = null;
  if (preset.masksDir !== null) {
    masksDir = join(root, preset.masksDir);
    if (!(await isDir(masksDir))) {
      throw new DomainError({ code: 'not_found', file: masksDir, message: `${masksDir}: preset ${preset.name} expects its masks in this folder, which does not exist` });
    }
  }

  const listed = await listFiles(imagesDir, masksDir);
  const rejected: SourceRejection[] = [...listed.rejected];
  const images = byStem(
    listed.files.filter((f) => {
      if (!isImageName(f)) {
        rejected.push({ file: join(imagesDir, f), reason: 'not an image file (expected .jpg, .jpeg, .png, .webp, .tif or .tiff)' });
        return false;
      }
      const problem = unsafeNameReason(stem(f));
      if (problem) rejected.push({ file: join(imagesDir, f), reason: `its name "${stem(f)}" ${problem}, so it cannot name an image` });
      return problem === null;
    }),
  );
  const masks = new Map<string, string[]>();
  if (masksDir !== null && masksDir !== imagesDir) {
    const exts = new Set(preset.maskExtensions);
    const suffix = preset.maskSuffix.toLowerCase();
    const maskFiles = await listFiles(masksDir);
    rejected.push(...maskFiles.rejected);
    for (const [maskStem, files] of byStem(maskFiles.files)) {
      // A mask without the preset's suffix belongs to no image (it is reported as an orphan).
      const name = suffix && maskStem.endsWith(suffix) ? maskStem.slice(0, -suffix.length) : suffix ? `\0${maskStem}` : maskStem;
      const usable = files.filter((f) => exts.has(extname(f).toLowerCase()));
      for (const f of files.filter((f) => !usable.includes(f))) {
        rejected.push({ file: join(masksDir, f), reason: `not a mask file for preset ${preset.name} (expected ${preset.maskExtensions.join(', ')})` });
      }
      if (usable.length > 0) masks.set(name, usable);
    }
  }

  const items: SourceItem[] = [];
  for (const [key, files] of images) {
    const name = stem(files[0]!);
    const maskFiles = masks.get(key) ?? [];
    masks.delete(key);
    if (files.length > 1) {
      for (const f of files) rejected.push({ file: join(imagesDir, f), reason: `duplicate name: ${files.join(' and ')} are both image "${name}"` });
      continue;
    }
    if (maskFiles.length > 1) {
      rejected.push({ file: join(imagesDir, files[0]!), reason: `duplicate name: masks ${maskFiles.join(' and ')} both belong to image "${name}"` });
      continue;
    }
    items.push({ name, imagePath: join(imagesDir, files[0]!), maskPath: maskFiles[0] !== undefined && masksDir ? join(masksDir, maskFiles[0]) : null });
  }
  for (const files of masks.values()) {
    for (const f of files) rejected.push({ file: join(masksDir ?? '', f), reason: `mask without an image (no image named "${stem(f)}")` });
  }
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { imagesDir, masksDir, items, rejected };
}

/**
 * The image/mask pairs of a labelled folder, read in place (nothing is copied). Images without a
 * mask and unusable files are left out; the masks are read with `readMaskWithPreset`.
 */
export async function listLabelledFolder(dir: string, preset: Preset): Promise<LabelledPair[]> {
  if (preset.masksDir === null) {
    throw new DomainError({ code: 'invalid_input', field: 'preset', message: `preset ${preset.name} has no masks: a labelled folder needs a preset that reads masks` });
  }
  const listing = await listSourceFolder(dir, preset);
  return listing.items.filter((i): i is LabelledPair => i.maskPath !== null);
}
