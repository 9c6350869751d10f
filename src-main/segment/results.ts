// What a finished batch left in its output folder, for the studio: the masks it wrote (from
// summary.csv), a small overlay of one of them, and the photo/mask pairs that bring the batch into
// a project. Every path comes from the summary or the caller and is checked against the batch's
// own folders before it is read: a mask outside OUT (or a photo outside IN) is refused.
import { basename, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { CLASS_COLORS } from '../contract/classes';
import { DomainError } from '../contract/domain-error';
import type { SourceItem, SourceListing, SourceRejection } from '../dataset/folder';
import { decodeImage } from '../dataset/io/image';
import { readIndexedPng } from '../dataset/io/mask';
import { isInside } from '../dataset/io/paths';
import { unsafeNameReason } from '../dataset/store/paths';
import { SUMMARY_FILE } from './batch';
import { readSummary, type SummaryRow } from './summary';

export interface BatchFolders {
  inDir: string;
  outDir: string;
}

const OVERLAY_ALPHA = 0.5;

/** The photos the batch segmented (summary rows with a mask), in the summary's order. */
export async function segmentedRows(folders: BatchFolders): Promise<SummaryRow[]> {
  const rows = await readSummary(join(folders.outDir, SUMMARY_FILE));
  return [...rows.values()].filter((r) => r.status === 'ok' && r.mask !== '');
}

async function checkedPath(root: string, rel: string, what: string): Promise<string> {
  const path = resolve(root, rel);
  if (!(await isInside(path, root))) {
    throw new DomainError({ code: 'invalid_input', field: what, message: `${rel}: the ${what} is not inside the batch's folder ${root}` });
  }
  return path;
}

/**
 * A JPEG of one result: the photo with the mask's face parts tinted, at most `size` pixels on its
 * longer side. `mask` is the mask's path relative to OUT, as summary.csv names it.
 */
export async function resultThumbnail(folders: BatchFolders, mask: string, size: number): Promise<Uint8Array> {
  const maskPath = await checkedPath(folders.outDir, mask, 'mask');
  const row = (await segmentedRows(folders)).find((r) => r.mask === mask);
  if (!row) throw new DomainError({ code: 'not_found', file: maskPath, message: `${mask}: no mask of this batch (not in its ${SUMMARY_FILE})` });
  const photoPath = await checkedPath(folders.inDir, row.file, 'photo');
  const [photo, labels] = await Promise.all([decodeImage(photoPath), readIndexedPng(maskPath)]);
  if (labels.width !== photo.width || labels.height !== photo.height) {
    throw new DomainError({ code: 'bad_file', file: maskPath, message: `${maskPath}: mask is ${labels.width}x${labels.height} but photo ${photoPath} is ${photo.width}x${photo.height}` });
  }
  const out = Buffer.from(photo.data);
  for (let i = 0, p = 0; i < labels.labels.length; i++, p += 3) {
    const c = labels.labels[i]!;
    if (c === 0) continue;
    const color = CLASS_COLORS[c] ?? CLASS_COLORS[0]!;
    for (let k = 0; k < 3; k++) out[p + k] = out[p + k]! * (1 - OVERLAY_ALPHA) + color[k]! * OVERLAY_ALPHA;
  }
  const jpeg = await sharp(out, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 82 })
    .toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

/**
 * The batch's photos paired with the masks it wrote, as an import listing. A project names an
 * image by its file name without extension, so photos of different subfolders with the same
 * name (and names a project cannot hold) are left out with why.
 */
export async function batchListing(folders: BatchFolders): Promise<SourceListing> {
  const rows = await segmentedRows(folders);
  const rejected: SourceRejection[] = [];
  const byName = new Map<string, SourceItem[]>();
  for (const row of rows) {
    const imagePath = await checkedPath(folders.inDir, row.file, 'photo');
    const maskPath = await checkedPath(folders.outDir, row.mask, 'mask');
    const name = basename(row.file, extname(row.file));
    const problem = unsafeNameReason(name);
    if (problem) {
      rejected.push({ file: imagePath, reason: `its name "${name}" ${problem}, so it cannot name an image` });
      continue;
    }
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), { name, imagePath, maskPath }]);
  }
  const items: SourceItem[] = [];
  for (const group of byName.values()) {
    if (group.length === 1) items.push(group[0]!);
    else for (const item of group) rejected.push({ file: item.imagePath, reason: `duplicate name: ${group.map((g) => g.imagePath).join(' and ')} are all image "${item.name}"` });
  }
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { imagesDir: folders.inDir, masksDir: folders.outDir, items, rejected };
}
