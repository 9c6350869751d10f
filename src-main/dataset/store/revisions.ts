// Mask revisions: every save is a new indexed PNG plus a row naming who wrote it. The file is
// written atomically first (temp, fsync, rename); only then does one transaction add the row and
// move the image's current revision, so a kill at any moment leaves the previous or the new mask.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import { NUM_CLASSES } from '../../contract/classes';
import type { ImageStatus, MaskData, MaskRevision, Split } from '../../contract/project';
import { encodeIndexedPng, readIndexedPng } from '../io/mask';
import { syncDirSync, writeFileAtomic } from '../io/atomic';
import { type ImageRow, type NewImage, type ProjectStore, type RevisionRow } from './store';

export interface SaveOptions {
  author: string;
  /** `human`, `model:<runId>` or `import:<preset>`. */
  kind: string;
  /** The revision the edit started from; a different current revision is a conflict. */
  baseRevision?: number | undefined;
  /** The image's status after the save; by default derived from the kind (see nextStatus). */
  status?: ImageStatus | undefined;
  /**
   * The editing session the save belongs to. When the current revision was written by the same
   * session and author, is a `human` one, and was last written less than COALESCE_WINDOW_S ago,
   * this save replaces its mask instead of adding a revision: one revision per editing burst.
   */
  editSession?: string | undefined;
}

/** An autosave this soon after the session's previous save continues its revision. */
export const COALESCE_WINDOW_S = 120;

function continuesBurst(rev: RevisionRow | null, options: SaveOptions, time: Date): boolean {
  if (!rev || options.editSession === undefined || rev.edit_session !== options.editSession) return false;
  if (rev.kind !== 'human' || options.kind !== 'human' || rev.author !== options.author) return false;
  const last = Date.parse(rev.saved_at ?? rev.created_at);
  return Number.isFinite(last) && time.getTime() - last >= 0 && time.getTime() - last < COALESCE_WINDOW_S * 1000;
}

/** Bit c set when class c occurs in `labels`. */
export function classBits(labels: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < labels.length; i++) bits |= 1 << labels[i]!;
  return bits;
}

function nextStatus(current: ImageStatus, kind: string): ImageStatus {
  if (kind === 'human') return current === 'unlabeled' || current === 'predicted' ? 'in-progress' : current;
  if (kind.startsWith('model:')) return current === 'unlabeled' ? 'predicted' : current;
  return current;
}

function checkLabels(row: ImageRow, labels: Uint8Array, width: number, height: number): void {
  if (width !== row.width || height !== row.height) {
    throw new DomainError({ code: 'invalid_input', field: 'labels', message: `mask is ${width}x${height} but image ${row.name} is ${row.width}x${row.height}` });
  }
  if (labels.length !== width * height) {
    throw new DomainError({ code: 'invalid_input', field: 'labels', message: `mask has ${labels.length} labels, expected ${width}x${height} = ${width * height}` });
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) throw new DomainError({ code: 'invalid_input', field: 'labels', message: `label ${labels[i]} at pixel ${i} is not a class 0..${NUM_CLASSES - 1}` });
  }
}

function revisionFile(imageId: number, revision: number): string {
  return join('masks', String(imageId), `r${revision}-${randomBytes(4).toString('hex')}.png`);
}

// Saves of one image in this process run one after another; other processes are caught by the
// revision re-check inside the transaction.
const queues = new Map<string, Promise<unknown>>();
function serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

export function saveMask(store: ProjectStore, imageId: number, labels: Uint8Array, width: number, height: number, options: SaveOptions): Promise<{ row: ImageRow; revision: number }> {
  return serialize(`${store.dir}#${imageId}`, async () => {
    const before = store.row(imageId);
    checkLabels(before, labels, width, height);
    const conflict = (current: number): DomainError =>
      new DomainError({ code: 'conflict', message: `image ${before.name}: the mask is at revision ${current}, the edit started from ${options.baseRevision}; reload it and redo the edit` });
    if (options.baseRevision !== undefined && options.baseRevision !== before.mask_revision) throw conflict(before.mask_revision);

    const date = new Date();
    const latestBefore = before.mask_revision > 0 ? revisionRow(store, imageId, before.mask_revision) : null;
    const coalesce = latestBefore !== null && continuesBurst(latestBefore, options, date);
    const file = revisionFile(imageId, coalesce ? before.mask_revision : before.mask_revision + 1);
    await writeFileAtomic(store.path(file), encodeIndexedPng(labels, width, height));
    const bits = classBits(labels);
    // The file a coalesced save replaced: removed only once the row no longer points at it, so a
    // crash at any moment leaves a revision whose file exists (at worst an unreferenced file).
    let replaced: string | null = null;
    let revision: number;
    try {
      revision = store.db.transaction(() => {
        const current = store.row(imageId);
        if (options.baseRevision !== undefined && current.mask_revision !== options.baseRevision) throw conflict(current.mask_revision);
        const time = date.toISOString();
        const status = options.status ?? nextStatus(current.status, options.kind);
        if (coalesce) {
          // Another process wrote in between: the revision this save continued is not current.
          const latest = revisionRow(store, imageId, current.mask_revision);
          if (current.mask_revision !== before.mask_revision || !latest || latest.file !== latestBefore?.file) throw conflict(current.mask_revision);
          replaced = latest.file;
          store.db
            .prepare('UPDATE mask_revisions SET file = ?, classes = ?, saved_at = ? WHERE image_id = ? AND revision = ?')
            .run(file, bits, time, imageId, latest.revision);
          store.db.prepare('UPDATE images SET classes = ?, status = ?, updated_at = ? WHERE id = ?').run(bits, status, time, imageId);
          return latest.revision;
        }
        const rev = current.mask_revision + 1;
        store.db
          .prepare('INSERT INTO mask_revisions (image_id, revision, file, author, kind, classes, created_at, edit_session, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(imageId, rev, file, options.author, options.kind, bits, time, options.editSession ?? null, time);
        store.db
          .prepare('UPDATE images SET mask_revision = ?, classes = ?, status = ?, updated_at = ? WHERE id = ?')
          .run(rev, bits, status, time, imageId);
        return rev;
      }).immediate();
    } catch (error) {
      await rm(store.path(file), { force: true });
      throw error;
    }
    // After the commit: the new file is the revision's now, whatever happens to the old one.
    if (replaced !== null) await removeRevisionFile(store, imageId, revision, replaced);
    return { row: store.row(imageId), revision };
  });
}

/** Removes a mask file no row points at any more (checked like every revision path). */
async function removeRevisionFile(store: ProjectStore, imageId: number, revision: number, file: string): Promise<void> {
  try {
    await rm(store.maskPath({ image_id: imageId, revision, file }), { force: true });
  } catch {
    // A path the checks refuse was never ours to delete; a file that cannot be removed is only
    // unreferenced: no row points at it any more.
  }
}

export function listRevisions(store: ProjectStore, imageId: number): MaskRevision[] {
  store.row(imageId);
  const rows = store.db.prepare('SELECT * FROM mask_revisions WHERE image_id = ? ORDER BY revision').all(imageId) as RevisionRow[];
  return rows.map((r) => ({ revision: r.revision, author: r.author, kind: r.kind, createdAt: r.created_at, savedAt: r.saved_at ?? r.created_at }));
}

/**
 * Makes `revision`'s mask current again as a new revision of kind `revert:<revision>`: history
 * only grows, so the state reverted from stays viewable.
 */
export async function revertMask(store: ProjectStore, imageId: number, revision: number, options: { author: string; baseRevision?: number | undefined }): Promise<{ row: ImageRow; revision: number }> {
  const mask = await readMask(store, imageId, revision);
  return saveMask(store, imageId, mask.labels, mask.width, mask.height, { author: options.author, kind: `revert:${revision}`, baseRevision: options.baseRevision });
}

export function revisionRow(store: ProjectStore, imageId: number, revision: number): RevisionRow | null {
  return (store.db.prepare('SELECT * FROM mask_revisions WHERE image_id = ? AND revision = ?').get(imageId, revision) as RevisionRow | undefined) ?? null;
}

/** The current mask (or `revision`); an image without a mask reads as all background, revision 0. */
export async function readMask(store: ProjectStore, imageId: number, revision?: number): Promise<MaskData> {
  const row = store.row(imageId);
  const wanted = revision ?? row.mask_revision;
  if (wanted === 0) return { imageId, width: row.width, height: row.height, labels: new Uint8Array(row.width * row.height), revision: 0 };
  const rev = revisionRow(store, imageId, wanted);
  if (!rev) throw new DomainError({ code: 'not_found', message: `image ${row.name} has no mask revision ${wanted} (latest is ${row.mask_revision})` });
  const path = store.maskPath(rev);
  const mismatch = (mask: { width: number; height: number }): DomainError =>
    new DomainError({ code: 'bad_file', file: path, message: `${path}: mask is ${mask.width}x${mask.height}, image ${row.name} is ${row.width}x${row.height}` });
  // The size is compared from the header, before a (possibly hostile) file is inflated.
  const mask = await readIndexedPng(path, { width: row.width, height: row.height, mismatch });
  if (mask.width !== row.width || mask.height !== row.height) throw mismatch(mask);
  return { imageId, width: mask.width, height: mask.height, labels: mask.labels, revision: wanted };
}

export interface StagedMask {
  /** A fully written, fsynced file outside the image folders, moved into place on commit. */
  stagedPath: string;
  classes: number;
  author: string;
  kind: string;
}

/** Folder for files written before their image has an id. */
export function stagingDir(store: ProjectStore): string {
  return store.path('masks/.staging');
}

/**
 * Adds an image, its split and its first mask when given, in one transaction: nothing of it is
 * visible unless all of it is. `split` runs inside the transaction (it may read and write the
 * store). The staged mask is renamed under masks/<id>/ inside the transaction.
 */
export function commitNewImage(store: ProjectStore, split: () => Split, image: Omit<NewImage, 'split'>, mask: StagedMask | null): ImageRow {
  let moved: string | null = null;
  try {
    return store.db.transaction(() => {
      const row = store.insertImage({ ...image, split: split() });
      if (!mask) return row;
      const file = revisionFile(row.id, 1);
      const target = store.path(file);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(mask.stagedPath, target);
      moved = target;
      // The rename must be durable before the row that points at it commits.
      syncDirSync(dirname(target));
      const time = new Date().toISOString();
      store.db
        .prepare('INSERT INTO mask_revisions (image_id, revision, file, author, kind, classes, created_at) VALUES (?, 1, ?, ?, ?, ?, ?)')
        .run(row.id, file, mask.author, mask.kind, mask.classes, time);
      store.db.prepare('UPDATE images SET mask_revision = 1, classes = ?, updated_at = ? WHERE id = ?').run(mask.classes, time, row.id);
      return store.row(row.id);
    }).immediate();
  } catch (error) {
    if (moved) rmSync(moved, { force: true });
    if (mask) rmSync(mask.stagedPath, { force: true });
    throw error;
  }
}
