// Imports a source folder into a project through a preset. Each item is all-or-nothing: its
// files are written (atomically) before one transaction makes it visible, and any problem skips
// it with a reason that names the file. Splits are assigned after the items, stratified.
import { createHash, randomBytes } from 'node:crypto';
import { link, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { DomainError } from '../contract/domain-error';
import type { ImportFileReport, ImportReport } from '../contract/project';
import { sweepStaleTemps, writeFileAtomic } from './io/atomic';
import { decodeImage, type DecodedImage } from './io/image';
import { encodeIndexedPng, readMaskWithPreset, type MaskLabels } from './io/mask';
import { listSourceFolder, type SourceItem } from './folder';
import type { Preset } from './presets/load';
import { assignSplits, DEFAULT_RATIOS, type AssignableSplit, type SplitRatios } from './splits';
import { classBits, commitNewImage, readMask, saveMask, stagingDir } from './store/revisions';
import { now, type ImageRow, type ProjectStore } from './store/store';
import { DEFAULT_THUMB_SIZE, thumbnailPath, writeThumbnailFromPixels } from './thumbnails';

export type SplitSetting = { kind: 'auto'; ratios?: SplitRatios | undefined; seed?: number | undefined } | { kind: 'none' };

export interface ImportOptions {
  source: string;
  preset: Preset;
  mode: 'copy' | 'link';
  /** How new images get a split; `auto` by default (the project's seed and ratios, else 80/10/10, seed 0). */
  split?: SplitSetting | undefined;
  /** Splits the user fixed by name (e.g. from a file): kept on re-import, never reassigned. */
  fixedSplits?: Map<string, AssignableSplit> | undefined;
  /** Items decoded at once (sharp runs on libuv's pool). */
  concurrency?: number | undefined;
  onProgress?: ((progress: { done: number; total: number; file: string }) => void) | undefined;
}

/** Outcome reason of an item already in the project with the same image and mask. */
export const UNCHANGED = 'already in the project, unchanged';
const COPYABLE = new Set(['jpeg', 'png', 'webp']);

function sameLabels(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function sizeMismatch(item: SourceItem, mask: MaskLabels, image: { width: number; height: number; orientation: number }): DomainError {
  const turned = image.orientation >= 5 && mask.width === image.height && mask.height === image.width;
  const hint = turned ? ` (the image's EXIF orientation ${image.orientation} turns it upright; masks must match the upright photo)` : '';
  return new DomainError({
    code: 'bad_file',
    file: item.maskPath ?? item.imagePath,
    message: `${item.maskPath}: size mismatch: mask is ${mask.width}x${mask.height} but image ${item.imagePath} is ${image.width}x${image.height}${hint}`,
  });
}

function duplicate(item: SourceItem, existing: { name: string; source: string } | null): DomainError {
  const from = existing ? ` (from ${existing.source})` : '';
  return new DomainError({ code: 'bad_file', file: item.imagePath, message: `${item.imagePath}: duplicate name: the project already has a different image named "${existing?.name ?? item.name}"${from}` });
}

interface Prepared {
  item: SourceItem;
  bytes: Buffer;
  sha256: string;
  image: DecodedImage;
  mask: MaskLabels | null;
}

async function readSource(item: SourceItem): Promise<{ bytes: Buffer; sha256: string }> {
  try {
    const bytes = await readFile(item.imagePath);
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    throw new DomainError({ code: 'bad_file', file: item.imagePath, message: `${item.imagePath}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
  }
}

async function readMaskFor(item: SourceItem, preset: Preset, image: { width: number; height: number; orientation: number }): Promise<MaskLabels | null> {
  if (!item.maskPath) return null;
  const mask = await readMaskWithPreset(item.maskPath, preset);
  if (mask.width !== image.width || mask.height !== image.height) throw sizeMismatch(item, mask, image);
  return mask;
}

/**
 * An item whose name is already in the project. The same photo (same bytes: it was fully decoded
 * when first imported) → a mask update or nothing; another photo → a duplicate name.
 */
async function reimport(store: ProjectStore, existing: ImageRow, item: SourceItem, sha256: string, preset: Preset): Promise<ImportFileReport> {
  if (existing.sha256 !== sha256) throw duplicate(item, existing);
  const mask = await readMaskFor(item, preset, existing);
  if (!mask) return { file: item.imagePath, outcome: 'skipped', reason: UNCHANGED };
  const current = await readMask(store, existing.id);
  if (current.revision > 0 && sameLabels(current.labels, mask.labels)) return { file: item.imagePath, outcome: 'skipped', reason: UNCHANGED };
  const { revision } = await saveMask(store, existing.id, mask.labels, mask.width, mask.height, { author: 'import', kind: `import:${preset.name}` });
  return { file: item.imagePath, outcome: 'updated', reason: `mask revision ${revision} from ${item.maskPath}` };
}

async function importNew(store: ProjectStore, p: Prepared, options: ImportOptions): Promise<ImportFileReport> {
  const { item, image } = p;
  const written: string[] = [];
  try {
    let file = item.imagePath;
    let orientation = image.orientation;
    let format = image.format;
    if (options.mode === 'copy') {
      // Upright JPEG/PNG/WebP are copied byte for byte; anything needing its EXIF rotation (or
      // TIFF, which browsers cannot show) is stored once, upright, as lossless PNG.
      if (image.orientation <= 1 && COPYABLE.has(image.format)) {
        file = join('images', `${item.name}${extname(item.imagePath).toLowerCase()}`);
        await writeFileAtomic(store.path(file), p.bytes);
      } else {
        file = join('images', `${item.name}.png`);
        const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
        await writeFileAtomic(store.path(file), png);
        orientation = 1;
        format = 'png';
      }
      written.push(store.path(file));
    }
    let staged = null;
    if (p.mask) {
      // Named like a temp file of this process, so that sweepStaleTemps clears it if we are killed.
      const stagedPath = join(stagingDir(store), `.mask.png.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      await writeFileAtomic(stagedPath, encodeIndexedPng(p.mask.labels, p.mask.width, p.mask.height), { syncDir: false });
      written.push(stagedPath);
      staged = { stagedPath, classes: classBits(p.mask.labels), author: 'import', kind: `import:${options.preset.name}` };
    }
    const fixed = options.fixedSplits?.get(item.name);
    const row = commitNewImage(
      store,
      {
        name: item.name,
        file,
        linked: options.mode === 'link' ? 1 : 0,
        orientation,
        format,
        width: image.width,
        height: image.height,
        sha256: p.sha256,
        status: p.mask ? 'done' : 'unlabeled',
        split: fixed ?? 'unassigned',
        split_fixed: fixed ? 1 : 0,
        source: item.imagePath,
        in_training: p.mask ? 1 : 0,
      },
      staged,
    );
    // The thumbnail is a cache: failing to write it does not undo the import.
    await writeThumbnailFromPixels(thumbnailPath(store, row.id, DEFAULT_THUMB_SIZE), image, DEFAULT_THUMB_SIZE).catch(() => undefined);
    return { file: item.imagePath, outcome: 'imported' };
  } catch (error) {
    await Promise.all(written.map((f) => rm(f, { force: true })));
    // Another process committed the same name meanwhile (names are unique in one listing).
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw duplicate(item, store.rowByName(item.name));
    throw error;
  }
}

async function importItem(store: ProjectStore, item: SourceItem, options: ImportOptions): Promise<ImportFileReport> {
  try {
    const { bytes, sha256 } = await readSource(item);
    const existing = store.rowByName(item.name);
    if (existing) return await reimport(store, existing, item, sha256, options.preset);
    const image = await decodeImage(item.imagePath, bytes);
    const mask = await readMaskFor(item, options.preset, image);
    return await importNew(store, { item, bytes, sha256, image, mask }, options);
  } catch (error) {
    const reason = error instanceof DomainError ? error.message : `${item.imagePath}: ${(error as Error).message}`;
    return { file: item.imagePath, outcome: 'skipped', reason };
  }
}

function readSplitSetting(store: ProjectStore, setting: SplitSetting | undefined): { ratios: SplitRatios; seed: number } | null {
  if (setting?.kind === 'none') return null;
  const saved = store.getMeta('split');
  const previous = saved ? (JSON.parse(saved) as { ratios: SplitRatios; seed: number }) : null;
  const chosen = { ratios: setting?.ratios ?? previous?.ratios ?? DEFAULT_RATIOS, seed: setting?.seed ?? previous?.seed ?? 0 };
  store.setMeta('split', JSON.stringify(chosen));
  return chosen;
}

/** Gives every unassigned, unfixed image a split, stratified against the ones already placed. */
export function assignPendingSplits(store: ProjectStore, setting: { ratios: SplitRatios; seed: number }): number {
  const rows = store.allRows();
  const pending = rows.filter((r) => r.split === 'unassigned' && r.split_fixed === 0);
  if (pending.length === 0) return 0;
  const placed = rows.filter((r) => r.split !== 'unassigned');
  const result = assignSplits(pending.map((r) => ({ id: r.id, name: r.name, classes: r.classes })), placed, setting);
  store.setSplits(result, false);
  return result.size;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One import per project across processes (the GUI and a `facet import` could otherwise race on
 * the same names): a lock file holding the importer's pid; a dead importer's lock is taken over.
 */
async function lockImports(store: ProjectStore): Promise<() => Promise<void>> {
  const path = join(store.dir, 'import.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written whole under a temp name, then hard-linked into place: the lock never exists
    // without its pid, and link() fails atomically when another importer holds it.
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, String(process.pid));
      await link(temp, path);
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) {
        throw new DomainError({ code: 'busy', message: `${store.dir}: another import is running (process ${holder})` });
      }
      await rm(path, { force: true });
    } finally {
      await rm(temp, { force: true });
    }
  }
  throw new DomainError({ code: 'busy', message: `${store.dir}: could not take the import lock` });
}

export async function importFolder(store: ProjectStore, options: ImportOptions): Promise<ImportReport> {
  const unlock = await lockImports(store);
  try {
    return await importUnlocked(store, options);
  } finally {
    await unlock();
  }
}

async function importUnlocked(store: ProjectStore, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const startedAt = now();
  const listing = await listSourceFolder(options.source, options.preset);
  // Leftovers of an import or save that was killed mid-write (never referenced by the database).
  await sweepStaleTemps(store.dir);
  const files: ImportFileReport[] = listing.rejected.map((r) => ({ file: r.file, outcome: 'skipped', reason: `${r.file}: ${r.reason}` }));
  const total = listing.items.length;
  const results = new Array<ImportFileReport>(total);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      const item = listing.items[index]!;
      results[index] = await importItem(store, item, options);
      done++;
      options.onProgress?.({ done, total, file: item.imagePath });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  files.push(...results);
  await rmdir(stagingDir(store)).catch(() => undefined);

  const imported = results.filter((r) => r.outcome === 'imported').length;
  const updated = results.filter((r) => r.outcome === 'updated').length;
  if (options.fixedSplits?.size) {
    const fixed: [number, AssignableSplit][] = [];
    for (const [name, split] of options.fixedSplits) {
      const row = store.rowByName(name);
      if (row && (row.split !== split || row.split_fixed === 0)) fixed.push([row.id, split]);
    }
    store.setSplits(fixed, true);
  }
  if (imported + updated > 0) {
    const setting = readSplitSetting(store, options.split);
    if (setting) assignPendingSplits(store, setting);
    store.db
      .prepare('INSERT INTO imports (source, preset, mode, started_at, finished_at, imported, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(listing.imagesDir, options.preset.name, options.mode, startedAt, now(), imported + updated, files.length - imported - updated);
  }
  return {
    imported,
    skipped: files.filter((f) => f.outcome === 'skipped').length,
    files,
    seconds: (Date.now() - started) / 1000,
  };
}
