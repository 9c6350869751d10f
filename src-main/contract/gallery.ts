// Gallery work and mask history: many images at once (bulk changes, delete, ids under a filter),
// mask overlays for thumbnails, and reverting a mask to an earlier revision. Kept apart from
// project.ts so each domain's methods stay in one short file.
import { z } from 'zod';
import { method } from './define';
import { expectedProject, imageId, imageStatus, split, type ImageItem } from './project';

/** At most this many images in one bulk call (a project of 100,000 photos fits in one). */
export const MAX_BULK_IDS = 100_000;
const ids = z.array(imageId).min(1).max(MAX_BULK_IDS);
const filter = {
  status: imageStatus.optional(),
  split: split.optional(),
  search: z.string().max(200).optional(),
};

export interface BulkResult {
  /** Images the call changed (ids already gone are not counted). */
  updated: number;
  items: ImageItem[];
}

export interface DeleteResult {
  deleted: number;
  /** Mask revisions removed with them. */
  revisions: number;
}

export interface MaskOverlay {
  /** A PNG with the mask's class colours (background transparent), at most `size` on its longest side. */
  bytes: Uint8Array;
  mime: string;
  revision: number;
  /** Fraction of the image's pixels per class 0..7 (sums to 1), from the full-size mask. */
  shares: number[];
}

export const galleryMethods = {
  /** The ids of every image under a filter, in gallery order: "select all" in the gallery. */
  'images.ids': method<number[]>()(z.object(filter).strict()),
  /**
   * Changes many images in one transaction. `split` set by a person locks it (automatic
   * assignment never moves it) unless `splitLocked: false`; `splitLocked` alone locks or unlocks.
   * `inTraining` overrides the training-set rule (null: back to the rule).
   */
  'images.update': method<BulkResult>()(
    z
      .object({
        ids,
        status: imageStatus.optional(),
        split: split.optional(),
        splitLocked: z.boolean().optional(),
        inTraining: z.boolean().nullable().optional(),
        project: expectedProject,
      })
      .strict()
      .refine((v) => v.status !== undefined || v.split !== undefined || v.splitLocked !== undefined || v.inTraining !== undefined, {
        message: 'nothing to change: give status, split, splitLocked or inTraining',
      }),
  ),
  /** Deletes images: their rows, every mask revision, their copied photos and thumbnails. */
  'images.delete': method<DeleteResult>()(z.object({ ids, project: expectedProject }).strict()),
  /** The current mask as a colour overlay for a thumbnail, with its class shares. */
  'masks.overlay': method<MaskOverlay>()(z.object({ id: imageId, size: z.number().int().min(32).max(512).default(160) }).strict()),
  /** Makes an earlier revision's mask current again, as a new revision (kind `revert:<revision>`). */
  'masks.revert': method<{ item: ImageItem; revision: number }>()(
    z
      .object({
        id: imageId,
        revision: z.number().int().min(1),
        /** The revision the user saw as current; a newer one is a conflict. */
        baseRevision: z.number().int().min(0).optional(),
        author: z.string().min(1).max(100).default('annotator'),
        project: expectedProject,
      })
      .strict(),
  ),
};
