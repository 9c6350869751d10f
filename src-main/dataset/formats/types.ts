// The plug-in shape of an export format that is not a per-image PNG scheme of a preset (COCO's
// one JSON, CVAT's folder layout, Label Studio's tasks): exportProject reads each labelled image's
// mask once and hands it here, beside the photo it wrote (or would have written) under imagesDir.
import type { ImageRow } from '../store/store';

export interface ExportedMask {
  row: ImageRow;
  /** The photo's file name as exported, relative to the writer's imagesDir. */
  imageFile: string;
  width: number;
  height: number;
  /** One class 0..7 per pixel, row-major. */
  labels: Uint8Array;
}

export interface FormatWriter {
  add(mask: ExportedMask): Promise<void>;
  /** Writes what covers every image (the JSON, the label map, the image list), atomically. */
  finish(): Promise<void>;
}

export interface ExportFormat {
  name: string;
  /** Folder under the export for the photos. */
  imagesDir: string;
  open(out: string): Promise<FormatWriter>;
}
