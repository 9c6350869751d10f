// Exports a project's masks in a preset's scheme (labels8, seed-18, celebamask-hq): masks/<name>.png
// beside images/<name>.<ext> (the upright photo), so an export imports back unchanged with the
// same preset; optionally colour overlays/<name>.jpg for people to look at.
import { copyFile, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { DomainError } from '../contract/domain-error';
import { CLASS_COLORS } from '../contract/classes';
import type { ImageStatus, Split } from '../contract/project';
import { writeFileAtomic } from './io/atomic';
import { makeFolder } from './io/folders';
import { sharpWithinLimit } from './io/image';
import { encodePng8, type Rgb } from './io/png8';
import type { ExportFormat, FormatWriter } from './formats/types';
import type { Preset } from './presets/load';
import { readMask, revisionRow } from './store/revisions';
import type { ImageRow, ProjectStore } from './store/store';

export interface ExportOptions {
  out: string;
  /** A preset's PNG scheme (masks/<name>.png), or else `format`. */
  preset?: Preset | undefined;
  /** A format with its own layout (COCO, CVAT, Label Studio): see formats/. */
  format?: ExportFormat | undefined;
  split?: Split | undefined;
  status?: ImageStatus | undefined;
  overlay?: boolean | undefined;
  /** Also write the photos (default): needed for the export to re-import as a dataset. */
  images?: boolean | undefined;
  onProgress?: ((progress: { done: number; total: number; file: string }) => void) | undefined;
}

export interface ExportReport {
  exported: number;
  /** Images left out because they have no mask yet. */
  withoutMask: number;
  /** Rows whose name or files the project's database records in a way no import writes (a
   * tampered or foreign facet.db): nothing of them was read or written. */
  refused: { name: string; reason: string }[];
  out: string;
  seconds: number;
}

const COPYABLE = new Set(['jpeg', 'png', 'webp']);
const OVERLAY_ALPHA = 0.5;

/** The row's photo and mask files, checked before anything is opened; why not, when they fail. */
function checkedFiles(store: ProjectStore, row: ImageRow): { image: string } | { problem: string } {
  try {
    // Checks the name too: it becomes the exported files' names.
    const image = store.imagePath(row);
    const rev = revisionRow(store, row.id, row.mask_revision);
    if (rev) store.maskPath(rev);
    return { image };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** The photo's exported file name: upright JPEG/PNG/WebP keep their bytes and extension, others become PNG. */
function exportedImageName(row: ImageRow): string {
  return row.orientation <= 1 && COPYABLE.has(row.format) ? `${row.name}${extname(row.file).toLowerCase()}` : `${row.name}.png`;
}

async function exportImage(source: string, row: ImageRow, dir: string): Promise<void> {
  if (row.orientation <= 1 && COPYABLE.has(row.format)) {
    await copyFile(source, join(dir, exportedImageName(row)));
    return;
  }
  const png = await (await sharpWithinLimit(source, await readFile(source))).rotate().png().toBuffer();
  await writeFileAtomic(join(dir, exportedImageName(row)), png);
}

/** The presets' own writer: masks/<name>.png with the scheme's raw value per class. */
async function presetWriter(preset: Preset | undefined, dir: string): Promise<FormatWriter> {
  const scheme = preset?.export;
  if (!scheme) throw new DomainError({ code: 'invalid_input', field: 'format', message: `preset ${preset?.name ?? '(none)'} cannot be exported to (use labels8, seed-18 or celebamask-hq)` });
  makeFolder(dir, 'export');
  const palette: Rgb[] | null = scheme.palette?.map((c) => [c[0], c[1], c[2]] as const) ?? null;
  return {
    async add({ row, labels, width, height }) {
      const raw = new Uint8Array(labels.length);
      for (let i = 0; i < raw.length; i++) raw[i] = scheme.values[labels[i]!]!;
      await writeFileAtomic(join(dir, `${row.name}.png`), encodePng8(raw, width, height, palette));
    },
    finish: async () => undefined,
  };
}

async function exportOverlay(source: string, row: ImageRow, labels: Uint8Array, dir: string): Promise<void> {
  const { data, info } = await (await sharpWithinLimit(source, await readFile(source))).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.from(data);
  for (let i = 0; i < labels.length; i++) {
    const cls = labels[i]!;
    if (cls === 0) continue;
    const color = CLASS_COLORS[cls]!;
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round(out[i * 3 + k]! * (1 - OVERLAY_ALPHA) + color[k]! * OVERLAY_ALPHA);
  }
  const jpg = await sharp(out, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  await writeFileAtomic(join(dir, `${row.name}.jpg`), jpg);
}

export async function exportProject(store: ProjectStore, options: ExportOptions): Promise<ExportReport> {
  const started = Date.now();
  const out = resolve(options.out);
  const dirs = { images: join(out, options.format?.imagesDir ?? 'images'), masks: join(out, 'masks'), overlays: join(out, 'overlays') };
  makeFolder(out, 'export');
  const writer = options.format ? await options.format.open(out) : await presetWriter(options.preset, dirs.masks);
  const rows = store.allRows().filter((r) => (!options.split || r.split === options.split) && (!options.status || r.status === options.status));
  const refused: ExportReport['refused'] = [];
  const labelled: { row: ImageRow; image: string }[] = [];
  for (const row of rows) {
    if (row.mask_revision === 0) continue;
    const files = checkedFiles(store, row);
    if ('problem' in files) refused.push({ name: row.name, reason: files.problem });
    else labelled.push({ row, image: files.image });
  }
  const withImages = options.images !== false;
  if (withImages) makeFolder(dirs.images, 'export');
  if (options.overlay) makeFolder(dirs.overlays, 'export');

  let done = 0;
  for (const { row, image } of labelled) {
    const mask = await readMask(store, row.id);
    await writer.add({ row, imageFile: exportedImageName(row), width: mask.width, height: mask.height, labels: mask.labels });
    if (withImages) await exportImage(image, row, dirs.images);
    if (options.overlay) await exportOverlay(image, row, mask.labels, dirs.overlays);
    options.onProgress?.({ done: ++done, total: labelled.length, file: row.name });
  }
  await writer.finish();
  const withoutMask = rows.filter((r) => r.mask_revision === 0).length;
  return { exported: labelled.length, withoutMask, refused, out, seconds: (Date.now() - started) / 1000 };
}
