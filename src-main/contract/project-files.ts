// Projects as folders on the host, seen from the studio: recent projects, creating one, the
// import presets, a read-only preview of an import, and export in every format. What the CLI's
// `facet import` and `facet export` do, for people who do not use a terminal.
import { z } from 'zod';
import { event, method } from './define';
import { MAX_NAME, MAX_PATH } from './limits';
import { imageStatus, split, type ProjectSummary } from './project';

const path = z.string().min(1).max(MAX_PATH);

/**
 * Every export format, by the name `facet export --format` takes. The studio's export form lists
 * exactly these, so a format added here (and implemented in dataset/export-formats.ts) appears in
 * the CLI and the GUI at once.
 */
export const EXPORT_FORMATS = [
  { name: 'labels8', title: 'Facet 8 classes', layout: 'images/ + masks/<name>.png, gray value = class 0..7 (re-imports with preset labels8)' },
  { name: 'seed-18', title: 'Seed 18 labels', layout: 'images/ + masks/<name>.png in the seed project\'s 18-label ids (preset seed-18)' },
  { name: 'celebamask-hq', title: 'CelebAMask-HQ', layout: 'images/ + masks/<name>.png, palette index = CelebAMask-HQ label 0..18 (preset celebamask-hq)' },
  { name: 'coco', title: 'COCO instances', layout: 'annotations/instances_default.json (compressed RLE, one annotation per class) + images/ (preset coco)' },
  { name: 'cvat-mask', title: 'CVAT Segmentation mask 1.1', layout: 'labelmap.txt + SegmentationClass/ colour PNGs + SegmentationObject/ + JPEGImages/; zip it to upload to CVAT (preset cvat-mask)' },
  { name: 'label-studio', title: 'Label Studio brush', layout: 'tasks.json (brushlabels RLE) + labeling-config.xml + images/ (export only)' },
] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number]['name'];
const exportFormatNames = EXPORT_FORMATS.map((f) => f.name) as [ExportFormatName, ...ExportFormatName[]];

export interface RecentProject {
  dir: string;
  /** The name shown when it was last opened. */
  name: string;
  openedAt: string;
  /** The folder (or its facet.db) is gone: shown as missing, never opened. */
  missing: boolean;
}

export interface RecentProjects {
  projects: RecentProject[];
  /** Why the stored list could not be read (it is then treated as empty and rewritten on the next open). */
  problem: string | null;
}

export interface ImportPresetInfo {
  name: string;
  description: string;
  /** How masks are read: palette index or gray value, colour, or no masks at all. */
  masks: 'index' | 'rgb' | 'none';
}

/** One raw value (index presets) or colour (`#rrggbb`, rgb presets) found in the previewed mask. */
export interface PreviewLabel {
  value: string;
  /** The preset's name for the value, when it has one. */
  label: string | null;
  pixels: number;
  /** The class 0..7 it becomes, or null when the preset does not name it (the import skips such a mask). */
  classIndex: number | null;
}

export interface ImportPreview {
  source: string;
  preset: string;
  imagesDir: string;
  masksDir: string | null;
  /** Importable images found, and how many of them have a mask. */
  images: number;
  withMask: number;
  /** Files the import would skip, with why (the first `rejectedShown` of `rejectedTotal`). */
  rejected: { file: string; reason: string }[];
  rejectedTotal: number;
  /** The previewed pair (the `pair`-th image that has a mask, else the first image), or null when the folder has none. */
  sample: {
    index: number;
    /** Images with a mask that can be previewed (for "next pair"). */
    count: number;
    name: string;
    imagePath: string;
    maskPath: string | null;
    /** The upright photo, downscaled to at most `PREVIEW_SIDE` px, encoded for an <img>. */
    image: { bytes: Uint8Array; mime: string; width: number; height: number };
    /** Full size of the photo and of the mask. */
    imageSize: { width: number; height: number };
    maskSize: { width: number; height: number } | null;
    /** The mapped mask at the preview's size: class 0..7 per pixel, 255 where the preset names no class. */
    labels: Uint8Array | null;
    values: PreviewLabel[];
    /** What the import would say about this pair (size mismatch, unnamed values, unreadable...), or null when it would import. */
    problem: string | null;
  } | null;
}

export interface ExportReportData {
  format: ExportFormatName;
  out: string;
  exported: number;
  /** Images left out because they have no mask yet. */
  withoutMask: number;
  /** Rows the project's database records unsafely (a foreign or tampered facet.db): nothing of them was read or written. */
  refused: { name: string; reason: string }[];
  seconds: number;
}

export const PREVIEW_SIDE = 512;

export const projectFileMethods = {
  /** Recently opened projects of this host (newest first), each checked: a missing one is marked, not an error. */
  'project.recent': method<RecentProjects>()(z.object({}).strict()),
  /** Removes a project from the recent list (the folder is left alone). */
  'project.forget': method<RecentProjects>()(z.object({ dir: path }).strict()),
  /** Makes a new project in a folder that does not exist yet or is empty, and opens it. */
  'project.create': method<ProjectSummary>()(z.object({ dir: path, name: z.string().min(1).max(MAX_NAME).optional() }).strict()),
  /** The import presets the host knows (resources/presets). */
  'project.presets': method<ImportPresetInfo[]>()(z.object({}).strict()),
  /**
   * What an import of `source` through `preset` would see, read-only: the listing's counts and
   * skips, and one image with its mask mapped to the 8 classes. Nothing is written.
   */
  'project.previewImport': method<ImportPreview>()(
    z
      .object({
        source: path,
        preset: z.string().min(1).max(MAX_NAME),
        pair: z.number().int().min(0).default(0),
        rejectedShown: z.number().int().min(0).max(1000).default(50),
      })
      .strict(),
  ),
  /** `facet export` for the session's project: same code, progress as `export.progress`. */
  'project.export': method<ExportReportData>()(
    z
      .object({
        out: path,
        format: z.enum(exportFormatNames),
        split: split.optional(),
        status: imageStatus.optional(),
        overlay: z.boolean().default(false),
        /** Also copy the photos (default), so the export re-imports as a dataset. */
        images: z.boolean().default(true),
      })
      .strict(),
  ),
};

export const projectFileEvents = {
  'export.progress': event<{ done: number; total: number; file: string }>(),
};
