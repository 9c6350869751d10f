// CVAT "Segmentation mask 1.1" (Datumaro's Pascal VOC segmentation layout with a label map):
//   labelmap.txt                      `name:r,g,b:parts:actions` per label (`#` comments)
//   ImageSets/Segmentation/default.txt  the item names, one per line (how CVAT finds the items)
//   SegmentationClass/<name>.png      colour = the label's labelmap colour
//   SegmentationObject/<name>.png     instance masks (VOC colormap); CVAT reads classes without them
//   JPEGImages/<name>.<ext>           the photos, when exported with images
// Import reads labelmap.txt and SegmentationClass; export writes all of the above.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import { CLASS_COLORS, CLASS_NAMES } from '../../contract/classes';
import { writeFileAtomic } from '../io/atomic';
import { readMaskWithPreset, type ExpectedSize, type MaskLabels } from '../io/mask';
import { encodePng8, type Rgb } from '../io/png8';
import { listSourceFolder, type SourceListing } from '../folder';
import type { Preset } from '../presets/load';
import { UnnamedValuesError } from '../presets/map';
import { classOfLabel } from './label-names';
import type { ExportFormat } from './types';

export const LABELMAP_FILE = 'labelmap.txt';
export const CLASS_DIR = 'SegmentationClass';
export const OBJECT_DIR = 'SegmentationObject';
export const IMAGE_SET_FILE = join('ImageSets', 'Segmentation', 'default.txt');
export const IMAGES_DIR = 'JPEGImages';

export interface LabelmapEntry {
  name: string;
  /** Null when the line gives no colour. */
  color: Rgb | null;
  line: number;
}

function badLabelmap(file: string, line: number, problem: string): DomainError {
  return new DomainError({ code: 'bad_file', file, message: `${file}: line ${line}: ${problem}` });
}

/** Parses labelmap.txt as Datumaro's parse_label_map does: `name:color:parts:actions`, colour `r,g,b` or empty. */
export function parseLabelmap(text: string, file: string): LabelmapEntry[] {
  const entries: LabelmapEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(':');
    const name = fields[0]!;
    if (seen.has(name)) throw badLabelmap(file, index + 1, `label "${name}" is defined twice`);
    seen.add(name);
    let color: Rgb | null = null;
    const spec = fields[1] ?? '';
    if (spec.length > 0) {
      const parts = spec.split(',').map((c) => c.trim());
      const values = parts.map(Number);
      if (parts.length !== 3 || values.some((v, i) => !/^\d+$/.test(parts[i]!) || v > 255)) {
        throw badLabelmap(file, index + 1, `label "${name}" has colour "${spec}", expected r,g,b with each 0..255`);
      }
      color = [values[0]!, values[1]!, values[2]!];
    }
    entries.push({ name, color, line: index + 1 });
  });
  if (entries.length === 0) throw new DomainError({ code: 'bad_file', file, message: `${file}: no labels` });
  return entries;
}

/** Pascal VOC's colormap (Datumaro generate_colormap): the colours of labels the map gives none. */
export function vocColor(index: number): Rgb {
  const c = [0, 0, 0];
  let id = index;
  for (let j = 7; j >= 0; j--) {
    for (let k = 0; k < 3; k++) c[k]! |= ((id >> k) & 1) << j;
    id >>= 3;
  }
  return [c[0]!, c[1]!, c[2]!];
}

function key(c: Rgb): number {
  return (c[0] << 16) | (c[1] << 8) | c[2];
}

/** Colour → class from a label map: names through the studio's classes and the user's map. */
export function labelmapColors(entries: LabelmapEntry[], preset: Preset, file: string): Map<number, number> {
  // As in Datumaro: without any colour, labels take the VOC colormap by position; otherwise a
  // label without a colour simply cannot appear in a mask.
  const anyColor = entries.some((e) => e.color !== null);
  const out = new Map<number, number>();
  const owner = new Map<number, string>();
  entries.forEach((entry, index) => {
    const cls = classOfLabel(entry.name, preset.labelNames, file);
    const color = entry.color ?? (anyColor ? null : vocColor(index));
    if (!color) return;
    const k = key(color);
    const previous = out.get(k);
    if (previous !== undefined && previous !== cls) {
      throw badLabelmap(file, entry.line, `label "${entry.name}" has the colour ${color.join(',')} of label "${owner.get(k)}", which is another class`);
    }
    out.set(k, cls);
    owner.set(k, entry.name);
  });
  return out;
}

/** Lists a CVAT export: the label map decides the colours, SegmentationClass holds the masks. */
export async function listCvatMask(source: string, preset: Preset): Promise<SourceListing> {
  const file = join(source, LABELMAP_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new DomainError({
      code: error.code === 'ENOENT' ? 'not_found' : 'bad_file',
      file,
      message: `${file}: ${error.code === 'ENOENT' ? 'not found' : `cannot read (${error.code ?? error.message})`}: a CVAT Segmentation mask export names its labels' colours there`,
    });
  });
  const colored: Preset = { ...preset, colorToClass: labelmapColors(parseLabelmap(text, file), preset, file), format: null };
  const listing = await listSourceFolder(source, colored);
  // Without JPEGImages/ the photos are in the folder itself, beside labelmap.txt: not a photo.
  const rejected = listing.rejected.filter((r) => r.file !== file);
  const readMask = async (maskPath: string, expected: ExpectedSize): Promise<MaskLabels> => {
    try {
      return await readMaskWithPreset(maskPath, colored, expected);
    } catch (error) {
      if (error instanceof UnnamedValuesError) {
        const these = error.count > 1 ? 'these colours' : 'this colour';
        throw new DomainError({ code: 'bad_file', file: maskPath, message: `${maskPath}: mask ${error.kind}${error.count > 1 ? 's' : ''} ${error.shown}: no label of ${file} has ${these}` });
      }
      throw error;
    }
  };
  const items = listing.items.map((item) => ({ ...item, readMask: item.maskPath ? (expected: ExpectedSize) => readMask(item.maskPath!, expected) : undefined }));
  return { ...listing, items, rejected };
}

function labelmapText(): string {
  return ['# label:color_rgb:parts:actions', ...CLASS_NAMES.map((name, i) => `${name}:${CLASS_COLORS[i]!.join(',')}::`)].join('\n') + '\n';
}

const CLASS_PALETTE: Rgb[] = CLASS_COLORS.map((c) => [c[0], c[1], c[2]] as const);
// One instance per class present: instance id = class index, in VOC's instance colormap.
const OBJECT_PALETTE: Rgb[] = CLASS_NAMES.map((_, i) => vocColor(i));

export const cvatMaskFormat: ExportFormat = {
  name: 'cvat-mask',
  imagesDir: IMAGES_DIR,
  async open(out) {
    const names: string[] = [];
    return {
      async add({ row, labels, width, height }) {
        await writeFileAtomic(join(out, CLASS_DIR, `${row.name}.png`), encodePng8(labels, width, height, CLASS_PALETTE));
        await writeFileAtomic(join(out, OBJECT_DIR, `${row.name}.png`), encodePng8(labels, width, height, OBJECT_PALETTE));
        names.push(row.name);
      },
      async finish() {
        await writeFileAtomic(join(out, LABELMAP_FILE), Buffer.from(labelmapText()));
        await writeFileAtomic(join(out, IMAGE_SET_FILE), Buffer.from(names.map((n) => `${n}\n`).join('')));
      },
    };
  },
};
