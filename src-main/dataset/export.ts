// Exports a project's masks in a preset's scheme (labels8, seed-18, celebamask-hq): masks/<name>.png
// beside images/<name>.<ext> (the upright photo), so an export imports back unchanged with the
// same preset; optionally colour overlays/<name>.jpg for people to look at.
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { DomainError } from '../contract/domain-error';
import { CLASS_COLORS } from '../contract/classes';
import type { ImageStatus, Split } from '../contract/project';
import { writeFileAtomic } from './io/atomic';
import { encodePng8, type Rgb } from './io/png8';
import type { Preset } from './presets/load';
import { readMask } from './store/revisions';
import type { ImageRow, ProjectStore } from './store/store';

export interface ExportOptions {
  out: string;
  preset: Preset;
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
  out: string;
  seconds: number;
}

const COPYABLE = new Set(['jpeg', 'png', 'webp']);
const OVERLAY_ALPHA = 0.5;

async function exportImage(store: ProjectStore, row: ImageRow, dir: string): Promise<void> {
  const source = store.path(row.file);
  if (row.orientation <= 1 && COPYABLE.has(row.format)) {
    await copyFile(source, join(dir, `${row.name}${extname(row.file).toLowerCase()}`));
    return;
  }
  const png = await sharp(source).rotate().png().toBuffer();
  await writeFileAtomic(join(dir, `${row.name}.png`), png);
}

async function exportOverlay(store: ProjectStore, row: ImageRow, labels: Uint8Array, dir: string): Promise<void> {
  const { data, info } = await sharp(store.path(row.file)).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
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
  const scheme = options.preset.export;
  if (!scheme) throw new DomainError({ code: 'invalid_input', field: 'format', message: `preset ${options.preset.name} cannot be exported to (use labels8, seed-18 or celebamask-hq)` });
  const out = resolve(options.out);
  const dirs = { images: join(out, 'images'), masks: join(out, 'masks'), overlays: join(out, 'overlays') };
  const rows = store.allRows().filter((r) => (!options.split || r.split === options.split) && (!options.status || r.status === options.status));
  const labelled = rows.filter((r) => r.mask_revision > 0);
  const withImages = options.images !== false;
  if (withImages) await mkdir(dirs.images, { recursive: true });
  await mkdir(dirs.masks, { recursive: true });
  if (options.overlay) await mkdir(dirs.overlays, { recursive: true });

  const palette: Rgb[] | null = scheme.palette?.map((c) => [c[0], c[1], c[2]] as const) ?? null;
  let done = 0;
  for (const row of labelled) {
    const mask = await readMask(store, row.id);
    const raw = new Uint8Array(mask.labels.length);
    for (let i = 0; i < raw.length; i++) raw[i] = scheme.values[mask.labels[i]!]!;
    await writeFileAtomic(join(dirs.masks, `${row.name}.png`), encodePng8(raw, mask.width, mask.height, palette));
    if (withImages) await exportImage(store, row, dirs.images);
    if (options.overlay) await exportOverlay(store, row, mask.labels, dirs.overlays);
    options.onProgress?.({ done: ++done, total: labelled.length, file: row.name });
  }
  return { exported: labelled.length, withoutMask: rows.length - labelled.length, out, seconds: (Date.now() - started) / 1000 };
}
