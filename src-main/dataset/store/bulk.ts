// Changes to many images at once (the gallery's bulk actions) and deleting images. Each is one
// transaction, so a bulk change is all or nothing.
import { readdir, rm } from 'node:fs/promises';
import type { ImageStatus, Split } from '../../contract/project';
import { type ImageRow, type ProjectStore } from './store';

export interface BulkChange {
  status?: ImageStatus | undefined;
  split?: Split | undefined;
  /** Default when `split` is given: locked (a person chose it). */
  splitLocked?: boolean | undefined;
  /** Overrides the training-set rule; null follows the rule again. */
  inTraining?: boolean | null | undefined;
}

/** Applies `change` to every image of `ids` that exists; returns the changed rows. */
export function updateImages(store: ProjectStore, ids: readonly number[], change: BulkChange): ImageRow[] {
  const sets: string[] = [];
  const params: (string | number | null)[] = [];
  if (change.status !== undefined) {
    sets.push('status = ?');
    params.push(change.status);
  }
  if (change.split !== undefined) {
    sets.push('split = ?');
    params.push(change.split);
  }
  const locked = change.splitLocked ?? (change.split !== undefined ? true : undefined);
  if (locked !== undefined) {
    sets.push('split_fixed = ?');
    params.push(locked ? 1 : 0);
  }
  if (change.inTraining !== undefined) {
    sets.push('training_override = ?');
    params.push(change.inTraining === null ? null : change.inTraining ? 1 : 0);
  }
  if (sets.length === 0) return [];
  const update = store.db.prepare(`UPDATE images SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`);
  const select = store.db.prepare('SELECT * FROM images WHERE id = ?');
  const time = new Date().toISOString();
  return store.db.transaction(() => {
    const rows: ImageRow[] = [];
    for (const id of new Set(ids)) {
      if (update.run(...params, time, id).changes === 0) continue;
      rows.push(select.get(id) as ImageRow);
    }
    return rows;
  }).immediate();
}

export interface DeleteOutcome {
  deleted: number[];
  revisions: number;
  /** Files that could not be removed (the rows are gone: these are unreferenced leftovers). */
  leftovers: string[];
}

/**
 * Deletes images. The rows (and, by cascade, every mask revision row) go in one transaction;
 * only then are the files removed: the copied photo, masks/<id>/ and its thumbnails. A crash in
 * between leaves unreferenced files, never a row without its file. Linked photos are not ours:
 * they stay where they are.
 */
export async function deleteImages(store: ProjectStore, ids: readonly number[]): Promise<DeleteOutcome> {
  const select = store.db.prepare('SELECT * FROM images WHERE id = ?');
  const count = store.db.prepare('SELECT COUNT(*) AS n FROM mask_revisions WHERE image_id = ?');
  const remove = store.db.prepare('DELETE FROM images WHERE id = ?');
  const files: string[] = [];
  let revisions = 0;
  const deleted = store.db.transaction(() => {
    const out: number[] = [];
    for (const id of new Set(ids)) {
      const row = select.get(id) as ImageRow | undefined;
      if (!row) continue;
      // Paths are resolved (and checked) before the row goes; a refused one is left alone.
      if (!row.linked) {
        try {
          files.push(store.imagePath(row));
        } catch {
          // An untrusted row's path: never delete what it names.
        }
      }
      files.push(store.path(`masks/${row.id}`));
      revisions += (count.get(id) as { n: number }).n;
      remove.run(id);
      out.push(id);
    }
    return out;
  }).immediate();
  const thumbs = await readdir(store.path('thumbs')).catch(() => [] as string[]);
  const gone = new Set(deleted.map(String));
  for (const name of thumbs) {
    const m = /^(\d+)-\d+\.jpg$/.exec(name);
    if (!m || !gone.has(m[1]!)) continue;
    try {
      files.push(store.path(`thumbs/${name}`));
    } catch {
      // A planted link out of the project: left alone (the rows are gone already).
    }
  }
  const leftovers: string[] = [];
  for (const file of files) {
    await rm(file, { recursive: true, force: true }).catch(() => leftovers.push(file));
  }
  return { deleted, revisions, leftovers };
}
