// Imports a source folder into a project through a preset. Each item is all-or-nothing: its
// files are written (atomically) before one transaction makes it visible, with its split, and any
// problem skips it with a reason that names the file. Every file seen ends in the report as
// imported, updated, unchanged, kept (a person edited the mask since) or skipped with its reason.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { DomainError } from '../contract/domain-error';
import type { ImportFileReport, ImportReport } from '../contract/project';
import { sweepStaleTemps, writeFileAtomic } from './io/atomic';
import { decodeImage, type DecodedImage } from './io/image';
import { encodeIndexedPng, readMaskWithPreset, type MaskLabels } from './io/mask';
import type { SourceItem, SourceListing } from './folder';
import { listSource } from './formats/index';
import { LockHeldError, takeLock, type HeldLock } from './io/process-lock';
import type { Preset } from './presets/load';
import { assignSplits, DEFAULT_RATIOS, IncrementalSplits, seededOrder, type AssignableSplit, type SplitRatios } from './splits';
import { classBits, commitNewImage, readMask, revisionRow, saveMask, stagingDir } from './store/revisions';
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
  /** Replace masks a person edited since the last import (never a `reviewed` image's: see overwriteReviewed). */
  overwriteEdits?: boolean | undefined;
  /** Also replace the masks of `reviewed` images: a second, explicit confirmation on top of overwriteEdits. */
  overwriteReviewed?: boolean | undefined;
  /** Items decoded at once (sharp runs on libuv's pool). */
  concurrency?: number | undefined;
  onProgress?: ((progress: { done: number; total: number; file: string }) => void) | undefined;
  /**
   * The items, already paired by the caller (a batch's photos beside the masks it wrote), instead
   * of listing `source` through the preset; `source` is then only what the import is recorded as.
   */
  listing?: SourceListing | undefined;
  /**
   * Who made the masks: `model` masks (a batch's output) arrive as revisions of kind
   * MODEL_IMPORT_KIND on `predicted` images, to be reviewed, and never replace a mask that a
   * person or an annotation import made.
   */
  masksBy?: 'annotation' | 'model' | undefined;
}

/** The revision kind of masks a model made outside the editor (a batch brought into a project). */
export const MODEL_IMPORT_KIND = 'import:segment';

/** Author, revision kind and status of the masks this import writes. */
function maskOrigin(options: ImportOptions): { author: string; kind: string; labelledStatus: 'done' | 'predicted' } {
  return options.masksBy === 'model'
    ? { author: 'model', kind: MODEL_IMPORT_KIND, labelledStatus: 'predicted' }
    : { author: 'import', kind: `import:${options.preset.name}`, labelledStatus: 'done' };
}

/** Reason of an item already in the project with the same image and mask (outcome `unchanged`). */
export const UNCHANGED = 'already in the project, unchanged';
const COPYABLE = new Set(['jpeg', 'png', 'webp']);

function sameLabels(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function sizeMismatch(item: SourceItem, mask: { width: number; height: number }, image: { width: number; height: number; orientation: number }): DomainError {
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
  // The size is compared from the mask's header, before it is inflated (a small file can hold a bomb).
  const expected = { width: image.width, height: image.height, mismatch: (found: { width: number; height: number }) => sizeMismatch(item, found, image) };
  const mask = item.readMask ? await item.readMask(expected) : await readMaskWithPreset(item.maskPath, preset, expected);
  if (mask.width !== image.width || mask.height !== image.height) throw sizeMismatch(item, mask, image);
  return mask;
}

/**
 * Why the current mask must stay (a person edited it after the import, or reviewed it), or null
 * when the import may replace it.
 */
function keepReason(store: ProjectStore, existing: ImageRow, item: SourceItem, options: ImportOptions): string | null {
  const rev = revisionRow(store, existing.id, existing.mask_revision);
  if (options.masksBy === 'model' && rev !== null && rev.kind !== MODEL_IMPORT_KIND) {
    return `${item.maskPath}: kept image "${existing.name}"'s mask: revision ${rev.revision} by ${rev.author} (${rev.kind}) was not made by a model; the model's mask was left alone`;
  }
  const edited = rev !== null && !rev.kind.startsWith('import:');
  if (existing.status === 'reviewed' && !options.overwriteReviewed) {
    const by = edited ? `, its mask revision ${rev.revision} by ${rev.author} (${rev.kind})` : '';
    return `${item.maskPath}: kept image "${existing.name}"'s mask: the image is reviewed${by}; the source mask was left alone (--overwrite-edits --overwrite-reviewed replaces it)`;
  }
  if (edited && !options.overwriteEdits) {
    return `${item.maskPath}: kept image "${existing.name}"'s mask: revision ${rev.revision} by ${rev.author} (${rev.kind}) is newer than the import; the source mask was left alone (--overwrite-edits replaces it)`;
  }
  return null;
}

/**
 * An item whose name is already in the project. The same photo (same bytes: it was fully decoded
 * when first imported) → a mask update, nothing, or kept (a person's edit stays current); another
 * photo → a duplicate name.
 */
async function reimport(store: ProjectStore, existing: ImageRow, item: SourceItem, sha256: string, options: ImportOptions): Promise<ImportFileReport> {
  if (existing.sha256 !== sha256) throw duplicate(item, existing);
  const mask = await readMaskFor(item, options.preset, existing);
  if (!mask) return { file: item.imagePath, outcome: 'unchanged', reason: UNCHANGED };
  const current = await readMask(store, existing.id);
  if (current.revision > 0 && sameLabels(current.labels, mask.labels)) return { file: item.imagePath, outcome: 'unchanged', reason: UNCHANGED };
  const keep = keepReason(store, existing, item, options);
  if (keep) return { file: item.imagePath, outcome: 'kept', reason: keep };
  // A review applied to the mask being replaced: the image is `done` again, to be reviewed anew.
  const origin = maskOrigin(options);
  const status = existing.status === 'reviewed' ? 'done' : options.masksBy === 'model' && existing.status === 'unlabeled' ? 'predicted' : undefined;
  // baseRevision: an edit saved while this import ran is a conflict (kept), never overwritten.
  const { revision } = await saveMask(store, existing.id, mask.labels, mask.width, mask.height, {
    author: origin.author,
    kind: origin.kind,
    baseRevision: existing.mask_revision,
    status,
  });
  return { file: item.imagePath, outcome: 'updated', reason: `mask revision ${revision} from ${item.maskPath}` };
}

/** New images commit one at a time in a fixed order, each taking its split inside its insert. */
interface CommitTurn {
  wait(): Promise<void>;
  release(): void;
}

interface SplitPlan {
  planner: IncrementalSplits | null;
  setting: { ratios: SplitRatios; seed: number } | null;
}

async function importNew(store: ProjectStore, p: Prepared, options: ImportOptions, turn: CommitTurn, plan: SplitPlan): Promise<ImportFileReport> {
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
      const origin = maskOrigin(options);
      staged = { stagedPath, classes: classBits(p.mask.labels), author: origin.author, kind: origin.kind };
    }
    const fixed = options.fixedSplits?.get(item.name);
    const classes = p.mask ? classBits(p.mask.labels) : 0;
    await turn.wait();
    const row = commitNewImage(
      store,
      // Called inside the insert's transaction: the image is never visible without its split.
      () => {
        if (fixed) plan.planner?.place(fixed, classes);
        const split = fixed ?? plan.planner?.assign(classes) ?? 'unassigned';
        if (plan.setting) store.setMeta('split', JSON.stringify(plan.setting));
        return split;
      },
      {
        name: item.name,
        file,
        linked: options.mode === 'link' ? 1 : 0,
        orientation,
        format,
        width: image.width,
        height: image.height,
        sha256: p.sha256,
        status: p.mask ? maskOrigin(options).labelledStatus : 'unlabeled',
        split_fixed: fixed ? 1 : 0,
        source: item.imagePath,
        in_training: p.mask && options.masksBy !== 'model' ? 1 : 0,
      },
      staged,
    );
    turn.release();
    // The thumbnail is a cache: failing to write it does not undo the import.
    // (Committed by now: nothing below may reach the catch that removes the written files.)
    await Promise.resolve()
      .then(() => writeThumbnailFromPixels(thumbnailPath(store, row.id, DEFAULT_THUMB_SIZE), image, DEFAULT_THUMB_SIZE))
      .catch(() => undefined);
    return { file: item.imagePath, outcome: 'imported' };
  } catch (error) {
    await Promise.all(written.map((f) => rm(f, { force: true })));
    // Another process committed the same name meanwhile (names are unique in one listing).
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw duplicate(item, store.rowByName(item.name));
    throw error;
  }
}

async function importItem(store: ProjectStore, item: SourceItem, options: ImportOptions, turn: CommitTurn, plan: SplitPlan): Promise<ImportFileReport> {
  try {
    const { bytes, sha256 } = await readSource(item);
    const existing = store.rowByName(item.name);
    if (existing) return await reimport(store, existing, item, sha256, options);
    const image = await decodeImage(item.imagePath, bytes);
    const mask = await readMaskFor(item, options.preset, image);
    return await importNew(store, { item, bytes, sha256, image, mask }, options, turn, plan);
  } catch (error) {
    // A person saved an edit while this import read the source: their edit stays.
    if (error instanceof DomainError && error.code === 'conflict') return { file: item.imagePath, outcome: 'kept', reason: `${item.maskPath}: kept: ${error.message}` };
    const reason = error instanceof DomainError ? error.message : `${item.imagePath}: ${(error as Error).message}`;
    return { file: item.imagePath, outcome: 'skipped', reason };
  } finally {
    turn.release();
  }
}

/** Turn i opens when turn i-1 is released; releasing twice is harmless. */
function commitTurns(n: number): (i: number) => CommitTurn {
  const opened: (() => void)[] = [];
  const gates = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? Promise.resolve() : new Promise<void>((resolve) => (opened[i] = resolve))));
  return (i) => ({ wait: () => gates[i]!, release: () => opened[i + 1]?.() });
}

function readSplitSetting(store: ProjectStore, setting: SplitSetting | undefined): { ratios: SplitRatios; seed: number } | null {
  if (setting?.kind === 'none') return null;
  const saved = store.getMeta('split');
  const previous = saved ? (JSON.parse(saved) as { ratios: SplitRatios; seed: number }) : null;
  // Saved (meta.split) by the first insert or update that uses it, not before.
  return { ratios: setting?.ratios ?? previous?.ratios ?? DEFAULT_RATIOS, seed: setting?.seed ?? previous?.seed ?? 0 };
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

/**
 * One import per project across processes (the GUI and a `facet import` could otherwise race on
 * the same names); a dead importer's lock is taken over.
 */
async function lockImports(store: ProjectStore): Promise<HeldLock> {
  try {
    return await takeLock(join(store.dir, 'import.lock'));
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    throw new DomainError({ code: 'busy', message: `${store.dir}: another import is running (process ${error.holder.pid})` });
  }
}

export async function importFolder(store: ProjectStore, options: ImportOptions): Promise<ImportReport> {
  const lock = await lockImports(store);
  try {
    return await importUnlocked(store, options);
  } finally {
    await lock.release();
  }
}

async function importUnlocked(store: ProjectStore, options: ImportOptions): Promise<ImportReport> {
  if (options.overwriteReviewed && !options.overwriteEdits) {
    throw new DomainError({ code: 'invalid_input', field: 'overwriteReviewed', message: 'overwriting reviewed masks needs overwriting edits too (--overwrite-edits --overwrite-reviewed)' });
  }
  const started = Date.now();
  const listing = options.listing ?? (await listSource(options.source, options.preset));
  // Leftovers of an import or save that was killed mid-write (never referenced by the database).
  await sweepStaleTemps(store.dir);
  // Recorded first: linked photos are only read from folders an import recorded (see store/paths.ts),
  // also when this import is killed before it finishes.
  const importId = Number(
    store.db
      .prepare('INSERT INTO imports (source, preset, mode, started_at) VALUES (?, ?, ?, ?)')
      .run(listing.imagesDir, options.preset.name, options.mode, now()).lastInsertRowid,
  );
  const setting = readSplitSetting(store, options.split);
  const plan: SplitPlan = { setting, planner: setting ? new IncrementalSplits(store.allRows(), setting.ratios) : null };
  const files: ImportFileReport[] = listing.rejected.map((r) => ({ file: r.file, outcome: 'skipped', reason: `${r.file}: ${r.reason}` }));
  const total = listing.items.length;
  // Items are processed (and new ones committed) in a seeded order, so that splits depend on the
  // names and the seed only, never on which decode finished first.
  const order = seededOrder(
    listing.items.map((item, index) => ({ item, index })),
    (e) => e.item.name,
    setting?.seed ?? 0,
  );
  const turnOf = commitTurns(total);
  const results = new Array<ImportFileReport>(total);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const position = next++;
      const { item, index } = order[position]!;
      results[index] = await importItem(store, item, options, turnOf(position), plan);
      done++;
      options.onProgress?.({ done, total, file: item.imagePath });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  files.push(...results);
  await rmdir(stagingDir(store)).catch(() => undefined);

  const count = (outcome: ImportFileReport['outcome']): number => files.filter((f) => f.outcome === outcome).length;
  const imported = count('imported');
  const updated = count('updated');
  if (options.fixedSplits?.size) {
    const fixed: [number, AssignableSplit][] = [];
    for (const [name, split] of options.fixedSplits) {
      const row = store.rowByName(name);
      if (row && (row.split !== split || row.split_fixed === 0)) fixed.push([row.id, split]);
    }
    store.setSplits(fixed, true);
  }
  // Images left unassigned by an earlier import (killed before splits moved into the insert).
  if (setting && imported + updated > 0) {
    store.setMeta('split', JSON.stringify(setting));
    assignPendingSplits(store, setting);
  }
  store.db
    .prepare('UPDATE imports SET finished_at = ?, imported = ?, skipped = ? WHERE id = ?')
    .run(now(), imported + updated, files.length - imported - updated, importId);
  return {
    imported,
    updated,
    unchanged: count('unchanged'),
    kept: count('kept'),
    skipped: count('skipped'),
    files,
    seconds: (Date.now() - started) / 1000,
  };
}
