// A model's proposals: its latest label map per image (proposals/<id>.png, indexed like masks)
// with the model it came from, its uncertainty and, for a labelled image, its face-part F1
// against the mask. Proposals are not mask revisions: the editor offers them for per-class
// accept, and saving one is a human revision as usual. The file is written atomically before
// its row, so a row always names a complete file.
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { DomainError } from '../../contract/domain-error';
import type { MaskDispute } from '../../contract/training';
import { makeFolder } from '../io/folders';
import { readIndexedPng, writeIndexedPng } from '../io/mask';
import { now, type ProjectStore } from './store';

export const PROPOSALS_DIR = 'proposals';

export interface ProposalRow {
  image_id: number;
  file: string;
  model: string;
  uncertainty: number;
  f1: number | null;
  mask_revision: number;
  created_at: string;
  /** Share of the face confidently disputed against the mask, and its class; null when unlabelled. */
  dispute: number | null;
  dispute_class: number | null;
}

export interface ProposalInput {
  model: string;
  uncertainty: number;
  f1: number | null;
  maskRevision: number;
  dispute?: MaskDispute | null;
}

export async function saveProposal(store: ProjectStore, imageId: number, labels: Uint8Array, width: number, height: number, input: ProposalInput): Promise<ProposalRow> {
  const row = store.row(imageId);
  if (width !== row.width || height !== row.height) {
    throw new DomainError({ code: 'invalid_input', field: 'labels', message: `proposal for ${row.name} is ${width}x${height}, the image is ${row.width}x${row.height}` });
  }
  makeFolder(store.path(PROPOSALS_DIR), 'project');
  const file = join(PROPOSALS_DIR, `${imageId}.png`);
  await writeIndexedPng(store.path(file), labels, width, height);
  const saved: ProposalRow = {
    image_id: imageId, file, model: input.model, uncertainty: input.uncertainty, f1: input.f1, mask_revision: input.maskRevision, created_at: now(),
    dispute: input.dispute?.share ?? null, dispute_class: input.dispute?.classId ?? null,
  };
  store.db
    .prepare(
      `INSERT INTO proposals (image_id, file, model, uncertainty, f1, mask_revision, created_at, dispute, dispute_class)
       VALUES (@image_id, @file, @model, @uncertainty, @f1, @mask_revision, @created_at, @dispute, @dispute_class)
       ON CONFLICT(image_id) DO UPDATE SET file = excluded.file, model = excluded.model, uncertainty = excluded.uncertainty, f1 = excluded.f1,
         mask_revision = excluded.mask_revision, created_at = excluded.created_at, dispute = excluded.dispute, dispute_class = excluded.dispute_class`,
    )
    .run(saved);
  return saved;
}

export function proposalRow(store: ProjectStore, imageId: number): ProposalRow | null {
  return (store.db.prepare('SELECT * FROM proposals WHERE image_id = ?').get(imageId) as ProposalRow | undefined) ?? null;
}

/** Every proposal's row, by image id (for gallery columns and sorting). */
export function proposalRows(store: ProjectStore): Map<number, ProposalRow> {
  const rows = store.db.prepare('SELECT * FROM proposals').all() as ProposalRow[];
  return new Map(rows.map((r) => [r.image_id, r]));
}

export async function readProposal(store: ProjectStore, imageId: number): Promise<{ row: ProposalRow; labels: Uint8Array; width: number; height: number } | null> {
  const row = proposalRow(store, imageId);
  if (!row) return null;
  const image = store.row(imageId);
  const path = store.path(row.file);
  const mismatch = (m: { width: number; height: number }): DomainError => new DomainError({ code: 'bad_file', file: path, message: `${path}: proposal is ${m.width}x${m.height}, image ${image.name} is ${image.width}x${image.height}` });
  const mask = await readIndexedPng(path, { width: image.width, height: image.height, mismatch });
  return { row, labels: mask.labels, width: mask.width, height: mask.height };
}

export async function deleteProposal(store: ProjectStore, imageId: number): Promise<void> {
  const row = proposalRow(store, imageId);
  if (!row) return;
  store.db.prepare('DELETE FROM proposals WHERE image_id = ?').run(imageId);
  await rm(store.path(row.file), { force: true });
}
