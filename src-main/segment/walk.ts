// Finds the photos of a folder tree and names each one's outputs, mirroring its subfolders:
// `a/b.jpg` → `a/b.png`. Deterministic (sorted) so progress and summaries are stable.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { IMAGE_EXTENSIONS } from '../dataset/io/image';

export interface PhotoEntry {
  /** Absolute path of the photo. */
  file: string;
  /** Path relative to the input folder, with `/` separators. */
  rel: string;
  /** Mask path relative to the output folder (`/` separators, `.png`). */
  mask: string;
}

export interface WalkResult {
  photos: PhotoEntry[];
  /** Files that are not photos by their extension (relative paths): listed, never read. */
  ignored: string[];
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Walks `inDir` recursively (the output folder never lies inside it: segmentFolder refuses that).
 * Symlinked folders are not followed (no cycles); symlinked files are.
 */
export async function walkPhotos(inDir: string): Promise<WalkResult> {
  const root = resolve(inDir);
  const photos: PhotoEntry[] = [];
  const ignored: string[] = [];

  async function visit(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await visit(path);
        continue;
      }
      const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile() === true);
      if (!isFile) continue;
      const rel = toPosix(relative(root, path));
      const ext = extname(entry.name).toLowerCase();
      if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) photos.push({ file: path, rel, mask: `${rel.slice(0, rel.length - ext.length)}.png` });
      else ignored.push(rel);
    }
  }

  await visit(root);
  photos.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  ignored.sort();
  // `a/b.jpg` and `a/b.png` would both become `a/b.png`: give every member of such a clash its
  // full name (`a/b.jpg.png`) rather than let one overwrite the other.
  const byMask = new Map<string, PhotoEntry[]>();
  for (const p of photos) byMask.set(p.mask.toLowerCase(), [...(byMask.get(p.mask.toLowerCase()) ?? []), p]);
  for (const group of byMask.values()) if (group.length > 1) for (const p of group) p.mask = `${p.rel}.png`;
  return { photos, ignored };
}
