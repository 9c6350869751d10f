// Projects, images and masks: what the gallery and the editor need from the store.
import { z } from 'zod';
import { event, method } from './define';
import { DEFAULT_MAX_PIXELS, MAX_ENTRIES, MAX_PATH } from './limits';

export const IMAGE_STATUSES = ['unlabeled', 'predicted', 'in-progress', 'done', 'reviewed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];
export const SPLITS = ['train', 'val', 'test', 'unassigned'] as const;
export type Split = (typeof SPLITS)[number];

export const imageStatus = z.enum(IMAGE_STATUSES);
export const split = z.enum(SPLITS);
export const imageId = z.number().int().positive();
const path = z.string().min(1).max(MAX_PATH);
const side = z.number().int().positive().max(DEFAULT_MAX_PIXELS);
/**
 * For writes addressed by image id: the project folder (ProjectSummary.dir) the client read the
 * image from. Ids are per project, so a write whose session now has another project open is
 * refused (`conflict`) instead of landing on a different photo.
 */
export const expectedProject = path.optional();

export interface ProjectSummary {
  dir: string;
  name: string;
  imageCount: number;
  byStatus: Record<ImageStatus, number>;
  bySplit: Record<Split, number>;
  /** Run id or model folder whose checkpoint is the project's current model, if any. */
  currentModel: string | null;
}

export interface ImageItem {
  id: number;
  name: string;
  width: number;
  height: number;
  status: ImageStatus;
  split: Split;
  /** The split was set by a person: automatic assignment never moves it. */
  splitLocked: boolean;
  /** Where it came from: the import source path or `manual`. */
  source: string;
  /** Revision number of the current mask, 0 when it has none. */
  maskRevision: number;
  /**
   * In the training set: split train and status done or reviewed, unless `trainingOverride`
   * says otherwise (README, "The training set").
   */
  inTraining: boolean;
  /** The user's choice over the rule, or null when the rule decides. */
  trainingOverride: boolean | null;
  updatedAt: string;
  // Active learning (proposals, see contract/proposals.ts); set by images.list.
  /** The latest proposal's uncertainty (mean 1 - max probability over the face), null without one. */
  uncertainty?: number | null;
  /** The latest proposal's face-part F1 against the mask, null when unlabelled or without one. */
  proposalF1?: number | null;
  /** Share of the face where the latest proposal confidently disputes the mask (null: unlabelled or none). */
  disputed?: number | null;
  /** The class that dispute is mostly about. */
  disputedClass?: number | null;
}

/**
 * images.list orders: by name; most uncertain proposal first; worst proposal-vs-mask F1 first;
 * most confidently disputed mask first (mask review: a part left out of a mask shows here).
 */
export const IMAGE_SORTS = ['name', 'uncertainty', 'f1', 'disputed'] as const;
export type ImageSort = (typeof IMAGE_SORTS)[number];

export interface MaskRevision {
  revision: number;
  author: string;
  /** `human`, `model:<runId>` or `import:<preset>`. */
  kind: string;
  createdAt: string;
  /** When autosaves of one editing burst were coalesced into it: its last write. */
  savedAt: string;
}

export interface MaskData {
  imageId: number;
  width: number;
  height: number;
  /** One class index (0..7) per pixel, row-major, width*height bytes. */
  labels: Uint8Array;
  revision: number;
}

export interface ImportFileReport {
  file: string;
  /** `kept`: the source mask differs but a person edited (or reviewed) the image's mask since, so theirs stays. */
  outcome: 'imported' | 'updated' | 'unchanged' | 'kept' | 'skipped';
  reason?: string;
}

/** Every file the import saw is in `files`; the counts add up to its length. */
export interface ImportReport {
  imported: number;
  updated: number;
  unchanged: number;
  kept: number;
  skipped: number;
  files: ImportFileReport[];
  seconds: number;
}

export const projectMethods = {
  /** Opens (creating when `create`) a project folder and makes it the session's project. */
  'project.open': method<ProjectSummary>()(z.object({ dir: path, create: z.boolean().default(false) }).strict()),
  'project.summary': method<ProjectSummary>()(z.object({}).strict()),
  /** Sets (null clears) the current model: a run id under the project's runs/ (its best checkpoint) or a model folder. */
  'project.setModel': method<ProjectSummary>()(z.object({ model: path.nullable() }).strict()),
  'project.import': method<ImportReport>()(
    z
      .object({
        source: path,
        preset: z.string().min(1).max(MAX_PATH),
        mode: z.enum(['copy', 'link']).default('copy'),
        /** Replace masks a person edited since the last import (they stay in the revision history); never reviewed ones unless overwriteReviewed. */
        overwriteEdits: z.boolean().default(false),
        /** With overwriteEdits: also replace the masks of reviewed images. */
        overwriteReviewed: z.boolean().default(false),
        /** For the `color` preset: hex colour (`#rrggbb`) to class index. */
        colorMap: z
          .record(z.string().regex(/^#[0-9a-fA-F]{6}$/), z.number().int().min(0).max(7))
          .refine((map) => Object.keys(map).length <= MAX_ENTRIES, `at most ${MAX_ENTRIES} colours`)
          .optional(),
        /** Splits of new images: `none` leaves them unassigned; by default the project's seed and ratios (else 80/10/10, seed 0). */
        split: z
          .union([
            z.literal('none'),
            z.object({ ratios: z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]).optional(), seed: z.number().int().min(0).optional() }).strict(),
          ])
          .optional(),
        /** Fixed splits by name ("name split" lines, CSV or JSON), as `facet import --split-file`: they survive re-import. */
        splitFile: path.optional(),
      })
      .strict(),
  ),
  'images.list': method<{ total: number; items: ImageItem[] }>()(
    z
      .object({
        status: imageStatus.optional(),
        split: split.optional(),
        search: z.string().max(200).optional(),
        /** Active learning: `uncertainty` (most uncertain first) or `f1` (worst first); default by name. */
        sort: z.enum(IMAGE_SORTS).default('name'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
  ),
  /** The photo as stored (EXIF orientation already applied), encoded for an <img>. */
  'images.get': method<{ item: ImageItem; bytes: Uint8Array; mime: string }>()(z.object({ id: imageId }).strict()),
  'images.thumbnail': method<{ bytes: Uint8Array; mime: string }>()(
    z.object({ id: imageId, size: z.number().int().min(32).max(512).default(160) }).strict(),
  ),
  'images.setStatus': method<ImageItem>()(z.object({ id: imageId, status: imageStatus, project: expectedProject }).strict()),
  /** Overrides the training-set rule for the image; null goes back to the rule. */
  'images.setTraining': method<ImageItem>()(z.object({ id: imageId, inTraining: z.boolean().nullable(), project: expectedProject }).strict()),
  /** The current mask, or a given earlier revision. An image without a mask gets all background. */
  'masks.get': method<MaskData>()(z.object({ id: imageId, revision: z.number().int().min(1).optional() }).strict()),
  'masks.save': method<{ item: ImageItem; revision: number }>()(
    z
      .object({
        id: imageId,
        width: side,
        height: side,
        labels: z.instanceof(Uint8Array).refine((l) => l.length <= DEFAULT_MAX_PIXELS, `at most ${DEFAULT_MAX_PIXELS} labels (the pixel limit)`),
        /** The revision the edit started from; a newer one on disk means a conflict. */
        baseRevision: z.number().int().min(0).optional(),
        author: z.string().min(1).max(100).default('annotator'),
        project: expectedProject,
        /**
         * The editing session (one open of one image in one client): a save by the same session
         * and author within COALESCE_WINDOW_S of its last one replaces that revision while it is
         * still the current one, so an editing burst is one revision, not one per autosave.
         */
        editSession: z.string().min(1).max(64).optional(),
      })
      .strict(),
  ),
  'masks.revisions': method<MaskRevision[]>()(z.object({ id: imageId }).strict()),
  /** The current model's prediction for the image, as a proposal the editor may merge (never saved here). */
  'masks.predict': method<MaskData>()(z.object({ id: imageId }).strict()),
};

export const projectEvents = {
  /** The project's contents changed (import, status, save): galleries refresh their counts. */
  'project.changed': event<{ dir: string; imageIds: number[] | null }>(),
  'import.progress': event<{ done: number; total: number; file: string }>(),
};
