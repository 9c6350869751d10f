// COCO instances JSON: `images` (id, file_name, width, height), `categories` (id, name) and
// `annotations` (image_id, category_id, segmentation). Export writes one annotation per class
// present in an image, its segmentation a compressed RLE; import also takes uncompressed
// (integer) counts and polygons (filled as pycocotools fills them). An image listed in the JSON is labelled: pixels no annotation covers are
// background, and where annotations overlap the later one in the file wins.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../contract/domain-error';
import { CLASS_NAMES, NUM_CLASSES } from '../../contract/classes';
import { writeFileAtomic } from '../io/atomic';
import type { MaskLabels } from '../io/mask';
import type { SourceItem, SourceListing, SourceRejection } from '../folder';
import type { Preset } from '../presets/load';
import { classOfLabel } from './label-names';
import { classRuns, paintRuns, polygonRuns, rleFromString, RleFormatError, rleToString, runsAreaAndBox } from './coco-rle';
import type { ExportFormat } from './types';

export const ANNOTATIONS_DIR = 'annotations';
export const EXPORT_FILE = join(ANNOTATIONS_DIR, 'instances_default.json');

const id = z.union([z.number().int(), z.string().min(1)]);
const rle = z.object({
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  counts: z.union([z.string(), z.array(z.number().int().nonnegative())]),
});
const polygons = z.array(z.array(z.number()));
const cocoFileSchema = z.object({
  images: z.array(z.object({ id, file_name: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive() })),
  categories: z.array(z.object({ id, name: z.string() })),
  annotations: z.array(z.object({ id: id.optional(), image_id: id, category_id: id, segmentation: z.union([rle, polygons]) })).default([]),
});
type CocoFile = z.infer<typeof cocoFileSchema>;
type CocoAnnotation = CocoFile['annotations'][number];

function bad(file: string, message: string): DomainError {
  return new DomainError({ code: 'bad_file', file, message: `${file}: ${message}` });
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** The JSON files of a COCO folder: annotations/*.json (COCO's and CVAT's layout), else *.json in the folder. */
async function annotationFiles(root: string): Promise<string[]> {
  const jsonIn = async (dir: string): Promise<string[]> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    const files: string[] = [];
    for (const n of names.filter((f) => !f.startsWith('.') && extname(f).toLowerCase() === '.json').sort()) {
      if (await isFile(join(dir, n))) files.push(join(dir, n));
    }
    return files;
  };
  const nested = await jsonIn(join(root, ANNOTATIONS_DIR));
  if (nested.length > 0) return nested;
  const flat = await jsonIn(root);
  if (flat.length > 0) return flat;
  throw new DomainError({ code: 'not_found', file: root, message: `${root}: no COCO annotation file (expected annotations/*.json or a .json in the folder)` });
}

export async function readCocoFile(file: string): Promise<CocoFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw bad(file, `not a readable JSON file (${(error as Error).message})`);
  }
  const parsed = cocoFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(file, `not a COCO instances file: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Where a `file_name` may be: images/<subset>/, images/, <subset>/ (COCO's train2017/), the folder itself. */
function imageCandidates(root: string, preset: Preset, json: string, fileName: string): string[] {
  const subset = basename(json, extname(json)).replace(/^instances_/, '');
  const dirs = [join(root, preset.imagesDir, subset), join(root, preset.imagesDir), join(root, subset), root];
  // A file_name reaching outside the folder (`../`, absolute) finds nothing.
  const inside = resolve(root) + sep;
  return dirs.map((d) => resolve(d, fileName)).filter((p, i, all) => all.indexOf(p) === i && p.startsWith(inside));
}

/** Paints one annotation's segmentation into row-major labels. */
export function paintAnnotation(ann: CocoAnnotation, cls: number, width: number, height: number, labels: Uint8Array, where: string): void {
  const seg = ann.segmentation;
  if (Array.isArray(seg)) {
    // Polygons (one object may have several parts) are filled as pycocotools fills them.
    seg.forEach((polygon, i) => {
      if (polygon.length < 6 || polygon.length % 2 !== 0 || !polygon.every(Number.isFinite)) {
        throw new RleFormatError(`${where}: polygon ${i} has ${polygon.length} numbers, expected x, y pairs of at least 3 points`);
      }
      paintRuns(polygonRuns(polygon, height, width), width, height, labels, cls, `${where}: polygon ${i}`);
    });
    return;
  }
  if (seg.size[0] !== height || seg.size[1] !== width) {
    throw new RleFormatError(`${where}: RLE size [${seg.size.join(', ')}] is not the image's [height, width] [${height}, ${width}]`);
  }
  const counts = typeof seg.counts === 'string' ? rleFromString(seg.counts) : seg.counts;
  paintRuns(counts, width, height, labels, cls, where);
}

function decodeImageMask(file: string, image: CocoFile['images'][number], anns: CocoAnnotation[], classOf: Map<string, number>, photo: { width: number; height: number }): MaskLabels {
  // Checked before allocating: the JSON's size is the file's word, the photo's is the pixels'.
  if (image.width !== photo.width || image.height !== photo.height) {
    throw bad(file, `image ${image.id} "${image.file_name}" is ${image.width}x${image.height} in the JSON but the photo is ${photo.width}x${photo.height}`);
  }
  const labels = new Uint8Array(image.width * image.height);
  for (const ann of anns) {
    const where = `annotation ${ann.id ?? '(no id)'} of image ${image.id} "${image.file_name}"`;
    const cls = classOf.get(String(ann.category_id));
    if (cls === undefined) throw bad(file, `${where}: category_id ${ann.category_id} is not in categories`);
    try {
      paintAnnotation(ann, cls, image.width, image.height, labels, where);
    } catch (error) {
      if (error instanceof RleFormatError) throw bad(file, error.message);
      throw error;
    }
  }
  return { width: image.width, height: image.height, labels };
}

/** Lists a COCO folder: every image of every annotation file is an item whose mask its annotations draw. */
export async function listCoco(source: string, preset: Preset): Promise<SourceListing> {
  const root = resolve(source);
  if (!(await stat(root).catch(() => null))?.isDirectory()) {
    throw new DomainError({ code: 'not_found', file: root, message: `${root}: folder not found` });
  }
  const rejected: SourceRejection[] = [];
  const byName = new Map<string, SourceItem[]>();
  for (const file of await annotationFiles(root)) {
    const coco = await readCocoFile(file);
    const classOf = new Map<string, number>();
    for (const c of coco.categories) classOf.set(String(c.id), classOfLabel(c.name, preset.labelNames, file));
    const anns = new Map<string, CocoAnnotation[]>();
    const images = new Set(coco.images.map((i) => String(i.id)));
    for (const a of coco.annotations) {
      if (!images.has(String(a.image_id))) {
        rejected.push({ file, reason: `annotation ${a.id ?? '(no id)'}: image_id ${a.image_id} is not in images` });
        continue;
      }
      anns.set(String(a.image_id), [...(anns.get(String(a.image_id)) ?? []), a]);
    }
    for (const image of coco.images) {
      const candidates = imageCandidates(root, preset, file, image.file_name);
      let imagePath: string | null = null;
      for (const c of candidates) if (await isFile(c)) (imagePath ??= c);
      if (!imagePath) {
        rejected.push({ file, reason: `image ${image.id} "${image.file_name}" not found (looked in ${candidates.join(', ')})` });
        continue;
      }
      const name = basename(image.file_name, extname(image.file_name));
      const imageAnns = anns.get(String(image.id)) ?? [];
      const item: SourceItem = { name, imagePath, maskPath: file, readMask: async (photo) => decodeImageMask(file, image, imageAnns, classOf, photo) };
      const key = name.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), item]);
    }
  }
  const items: SourceItem[] = [];
  for (const group of byName.values()) {
    if (group.length === 1) items.push(group[0]!);
    else for (const item of group) rejected.push({ file: item.imagePath, reason: `duplicate name: ${group.map((g) => g.imagePath).join(' and ')} are both image "${item.name}"` });
  }
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { imagesDir: join(root, preset.imagesDir), masksDir: null, items, rejected };
}

interface OutImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

interface OutAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: { size: [number, number]; counts: string };
  area: number;
  bbox: [number, number, number, number];
  iscrowd: 0;
}

export const cocoFormat: ExportFormat = {
  name: 'coco',
  imagesDir: 'images',
  async open(out) {
    const images: OutImage[] = [];
    const annotations: OutAnnotation[] = [];
    return {
      async add({ imageFile, labels, width, height }) {
        const imageId = images.length + 1;
        images.push({ id: imageId, file_name: imageFile, width, height });
        const present = new Set(labels);
        for (let cls = 1; cls < NUM_CLASSES; cls++) {
          if (!present.has(cls)) continue;
          const counts = classRuns(labels, width, height, cls);
          const { area, bbox } = runsAreaAndBox(counts, height);
          annotations.push({ id: annotations.length + 1, image_id: imageId, category_id: cls, segmentation: { size: [height, width], counts: rleToString(counts) }, area, bbox, iscrowd: 0 });
        }
      },
      async finish() {
        const json = {
          info: { description: 'Facet Studio export', version: '1.0', date_created: new Date().toISOString() },
          licenses: [],
          // Background is what no annotation covers, so it is no category.
          categories: CLASS_NAMES.slice(1).map((name, i) => ({ id: i + 1, name, supercategory: 'face' })),
          images,
          annotations,
        };
        await writeFileAtomic(join(out, EXPORT_FILE), Buffer.from(JSON.stringify(json)));
      },
    };
  },
};
