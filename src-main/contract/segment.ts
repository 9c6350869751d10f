// Batch segmentation of a photo folder from the studio: the same work as `facet segment`, run as
// a job with progress events, plus a folder browser that works over every transport.
import { z } from 'zod';
import { event, method } from './define';
import { MAX_PATH } from './limits';
import { expectedProject, type ImportReport } from './project';

export const SEGMENT_JOB_STATES = ['running', 'finished', 'cancelled', 'failed'] as const;
export type SegmentJobState = (typeof SEGMENT_JOB_STATES)[number];

/** What a batch is asked to do: `segment.start`, `facet segment` and the batch job all read it. */
export const segmentOptionsSchema = z
  .object({
    inDir: z.string().min(1).max(MAX_PATH),
    outDir: z.string().min(1).max(MAX_PATH),
    /** A model folder, or a run id of the open project (its best checkpoint); default: the bundled model. */
    model: z.string().min(1).max(MAX_PATH).optional(),
    overlay: z.boolean().default(false),
    faces: z.boolean().default(false),
    /**
     * With `faces`: face-api's Tiny Face Detector (about a third of SSD's time; in the recall bench
     * it found every face SSD found on the tests' group, small-face and rotated photos, and more of
     * the rotated ones) or SSD MobileNetV1 (the one to pick for many faces under ~80 px).
     */
    faceDetector: z.enum(['tiny', 'ssd']).default('tiny'),
    force: z.boolean().default(false),
  })
  .strict();
export type SegmentOptions = z.output<typeof segmentOptionsSchema>;

/** The options once checked: absolute folders, and the model folder that will be used. */
export type ResolvedSegmentOptions = Omit<SegmentOptions, 'model'> & { model: string };

export interface SegmentJob extends ResolvedSegmentOptions {
  id: string;
  state: SegmentJobState;
  /** Photos found; null until the folder has been walked. */
  total: number | null;
  done: number;
  segmented: number;
  skipped: number;
  failed: { file: string; error: string }[];
  startedAt: string;
  seconds: number;
  /** Why the job failed as a whole (no model, unreadable folder...). */
  error: string | null;
  summaryPath: string;
}

export interface SegmentProgressEvent {
  jobId: string;
  done: number;
  total: number;
  file: string;
  outcome: 'segmented' | 'skipped' | 'failed';
  error?: string;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface FolderListing {
  dir: string;
  parent: string | null;
  folders: string[];
  /** Photos (by extension) directly in `dir`. */
  photos: number;
}

const jobId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** Recent batches kept by a host (in memory, newest first). */
export const MAX_RECENT_BATCHES = 8;
/** Masks named per recent batch, for its thumbnails. */
export const BATCH_SAMPLE_MASKS = 4;

/** A batch of this host that has ended, with a few of the masks it wrote (paths relative to OUT). */
export interface BatchResult {
  job: SegmentJob;
  sampleMasks: string[];
}

export const segmentMethods = {
  /** Starts segmenting a folder and returns at once; progress arrives as `segment.progress`. */
  'segment.start': method<SegmentJob>()(segmentOptionsSchema),
  /** Stops after the photo in progress; the summary is written and a re-run resumes. */
  'segment.cancel': method<SegmentJob>()(z.object({ id: jobId }).strict()),
  /** The running or most recent job of this host, or null. */
  'segment.current': method<SegmentJob | null>()(z.object({}).strict()),
  /** Subfolders of a folder (default: the home folder), for the folder picker. */
  'segment.browse': method<FolderListing>()(z.object({ dir: z.string().min(1).max(MAX_PATH).optional() }).strict()),
  /** The batches that ended on this host, newest first. */
  'segment.recent': method<BatchResult[]>()(z.object({}).strict()),
  /** One result as a small JPEG: the photo with its mask tinted. `mask` is relative to the job's OUT folder. */
  'segment.resultThumbnail': method<{ bytes: Uint8Array; mime: string }>()(
    z.object({ jobId, mask: z.string().min(1).max(MAX_PATH), size: z.number().int().min(32).max(512).default(160) }).strict(),
  ),
  /**
   * Brings a finished batch into the open project for review: its photos with the masks it wrote,
   * as model-made revisions on `predicted` images (a mask a person or an annotation made stays).
   */
  'segment.toProject': method<ImportReport>()(z.object({ jobId, project: expectedProject }).strict()),
};

export const segmentEvents = {
  'segment.progress': event<SegmentProgressEvent>(),
  /** The job started, finished, was cancelled or failed. */
  'segment.job': event<SegmentJob>(),
};
