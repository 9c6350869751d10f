// What an import would see, without writing anything: the source listing (the same one the
// import uses) and one image with its mask, whose raw values are counted and mapped through the
// preset so a person can check the mapping on their own data before importing. Values the preset
// does not name are shown (as 255 in the labels), not thrown: that is what the preview is for.
import sharp from 'sharp';
import { DomainError } from '../contract/domain-error';
import { PREVIEW_SIDE, type ImportPreview, type PreviewLabel } from '../contract/project-files';
import { CLASS_NAMES } from '../contract/classes';
import type { SourceItem } from './folder';
import { listSource } from './formats/index';
import { decodeImage } from './io/image';
import { readRawMask, type MaskLabels, type RawMask } from './io/mask';
import type { Preset } from './presets/load';

/** Labels value of a pixel whose raw value the preset does not name. */
export const UNNAMED = 255;

export interface PreviewOptions {
  source: string;
  preset: Preset;
  /** Which image with a mask to show (0 = the first by name). */
  pair?: number | undefined;
  rejectedShown?: number | undefined;
}

function hex(key: number): string {
  return `#${key.toString(16).padStart(6, '0')}`;
}

/** Raw values with their pixel counts and classes, and the mapped labels at full size. */
function mapRaw(raw: RawMask, preset: Preset): { labels: Uint8Array; values: PreviewLabel[] } {
  const n = raw.width * raw.height;
  const labels = new Uint8Array(n);
  const counts = new Map<number, number>();
  if (raw.read === 'index') {
    for (let i = 0; i < n; i++) {
      const v = raw.samples[i]!;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      const cls = preset.valueToClass[v]!;
      labels[i] = cls < 0 ? UNNAMED : cls;
    }
  } else {
    for (let i = 0, p = 0; i < n; i++, p += 3) {
      const key = (raw.rgb[p]! << 16) | (raw.rgb[p + 1]! << 8) | raw.rgb[p + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      labels[i] = preset.colorToClass.get(key) ?? UNNAMED;
    }
  }
  const values = [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, pixels]): PreviewLabel => {
      if (raw.read === 'index') {
        const cls = preset.valueToClass[key]!;
        return { value: String(key), label: preset.labels[String(key)] ?? null, pixels, classIndex: cls < 0 ? null : cls };
      }
      const cls = preset.colorToClass.get(key);
      return { value: hex(key), label: null, pixels, classIndex: cls ?? null };
    });
  return { labels, values };
}

/** Nearest-neighbour resampling of a label map (classes never blend). */
function resampleLabels(labels: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Uint8Array {
  if (width === toWidth && height === toHeight) return labels;
  const out = new Uint8Array(toWidth * toHeight);
  for (let y = 0; y < toHeight; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / toHeight));
    for (let x = 0; x < toWidth; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / toWidth));
      out[y * toWidth + x] = labels[sy * width + sx]!;
    }
  }
  return out;
}

async function previewPair(item: SourceItem, index: number, count: number, preset: Preset): Promise<NonNullable<ImportPreview['sample']>> {
  const photo = await decodeImage(item.imagePath);
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(photo.width, photo.height));
  const width = Math.max(1, Math.round(photo.width * scale));
  const height = Math.max(1, Math.round(photo.height * scale));
  const jpeg = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .resize(width, height)
    .jpeg({ quality: 85 })
    .toBuffer();
  const sample: NonNullable<ImportPreview['sample']> = {
    index,
    count,
    name: item.name,
    imagePath: item.imagePath,
    maskPath: item.maskPath,
    image: { bytes: new Uint8Array(jpeg), mime: 'image/jpeg', width, height },
    imageSize: { width: photo.width, height: photo.height },
    maskSize: null,
    labels: null,
    values: [],
    problem: null,
  };
  if (item.readMask) return withFormatMask(sample, item, item.readMask, photo);
  if (!item.maskPath || preset.read === 'none') return sample;
  let raw: RawMask;
  try {
    raw = await readRawMask(item.maskPath, preset);
  } catch (error) {
    return { ...sample, problem: (error as Error).message };
  }
  const { labels, values } = mapRaw(raw, preset);
  sample.maskSize = { width: raw.width, height: raw.height };
  sample.values = values;
  sample.labels = resampleLabels(labels, raw.width, raw.height, width, height);
  const unnamed = values.filter((v) => v.classIndex === null).map((v) => v.value);
  if (raw.width !== photo.width || raw.height !== photo.height) {
    sample.problem = `${item.maskPath}: size mismatch: mask is ${raw.width}x${raw.height} but image ${item.imagePath} is ${photo.width}x${photo.height}; the import skips this pair`;
  } else if (unnamed.length > 0) {
    sample.problem = `${item.maskPath}: ${unnamed.length > 1 ? 'values' : 'value'} ${unnamed.join(', ')} not named by preset ${preset.name}; the import skips this mask`;
  }
  return sample;
}

/**
 * Another tool's format (COCO, CVAT) names its labels itself and its reader maps them to classes:
 * the preview shows the classes the reader produced, with their pixel counts.
 */
async function withFormatMask(
  sample: NonNullable<ImportPreview['sample']>,
  item: SourceItem,
  read: NonNullable<SourceItem['readMask']>,
  photo: { width: number; height: number },
): Promise<NonNullable<ImportPreview['sample']>> {
  let mask: MaskLabels;
  try {
    mask = await read({
      width: photo.width,
      height: photo.height,
      mismatch: (found) => new DomainError({ code: 'bad_file', file: item.maskPath ?? item.imagePath, message: `${item.maskPath ?? item.imagePath}: size mismatch: mask is ${found.width}x${found.height} but image ${item.imagePath} is ${photo.width}x${photo.height}; the import skips this pair` }),
    });
  } catch (error) {
    return { ...sample, problem: (error as Error).message };
  }
  const counts = new Array<number>(CLASS_NAMES.length).fill(0);
  for (const cls of mask.labels) counts[cls]!++;
  const values = counts.flatMap((pixels, cls): PreviewLabel[] => (pixels > 0 ? [{ value: CLASS_NAMES[cls]!, label: null, pixels, classIndex: cls }] : []));
  return { ...sample, maskSize: { width: mask.width, height: mask.height }, values, labels: resampleLabels(mask.labels, mask.width, mask.height, sample.image.width, sample.image.height) };
}

export async function previewImport(options: PreviewOptions): Promise<ImportPreview> {
  const { preset } = options;
  const listing = await listSource(options.source, preset);
  const withMask = listing.items.filter((i) => i.maskPath !== null);
  const candidates = withMask.length > 0 ? withMask : listing.items;
  const pair = options.pair ?? 0;
  if (candidates.length > 0 && pair >= candidates.length) {
    throw new DomainError({ code: 'invalid_input', field: 'pair', message: `pair ${pair} is past the last one (${candidates.length} to preview)` });
  }
  const item = candidates[pair];
  return {
    source: options.source,
    preset: preset.name,
    imagesDir: listing.imagesDir,
    masksDir: listing.masksDir,
    images: listing.items.length,
    withMask: withMask.length,
    rejected: listing.rejected.slice(0, options.rejectedShown ?? 50),
    rejectedTotal: listing.rejected.length,
    sample: item ? await previewPair(item, pair, candidates.length, preset) : null,
  };
}
