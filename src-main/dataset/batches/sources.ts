// Where training and evaluation samples come from: a project (its store: split, status, current
// mask revision) or a labelled folder read in place through an import preset. Every item knows
// how to load its photo (EXIF applied) and its 8-class labels at full resolution.
import type { DataSource } from '../../contract/training';
import type { Split } from '../../contract/project';
import { DomainError } from '../../contract/domain-error';
import { listLabelledFolder, type SourceItem } from '../folder';
import { listSource } from '../formats/index';
import { decodeImage } from '../io/image';
import { readMaskWithPreset, type ExpectedSize } from '../io/mask';
import { loadPreset } from '../presets/load';
import { openStore } from '../store/store';
import { readMask } from '../store/revisions';

export interface FullSample {
  rgb: Uint8Array;
  labels: Uint8Array;
  width: number;
  height: number;
}

export interface DataItem {
  /** Stable key (image name), used in per-image results. */
  name: string;
  /** Project image id, or null for a folder source. */
  imageId: number | null;
  load(): Promise<FullSample>;
}

export interface DataSplits {
  train: DataItem[];
  val: DataItem[];
  test: DataItem[];
  /** One line for logs: where the data came from and how it was split. */
  describe: string;
}

type Size = { width: number; height: number };

function geometryError(name: string, img: Size, mask: Size, file: string): DomainError {
  return new DomainError({ code: 'bad_file', file, message: `${file}: mask is ${mask.width}x${mask.height} but image ${name} is ${img.width}x${img.height}` });
}

/** The size the mask must have, checked from its header before it is decoded. */
function expectedSize(name: string, img: Size, file: string): ExpectedSize {
  return { width: img.width, height: img.height, mismatch: (found) => geometryError(name, img, found, file) };
}

function checkGeometry(name: string, img: Size, mask: Size, file: string): void {
  if (img.width !== mask.width || img.height !== mask.height) throw geometryError(name, img, mask, file);
}

async function fromFolder(source: Extract<DataSource, { kind: 'folder' }>): Promise<DataSplits> {
  const preset = loadPreset(source.preset);
  // A format preset (coco, cvat-mask) lists its own items and reads their masks.
  let pairs: (SourceItem & { maskPath: string })[] = preset.format
    ? (await listSource(source.dir, preset)).items.filter((i): i is SourceItem & { maskPath: string } => i.maskPath !== null)
    : await listLabelledFolder(source.dir, preset);
  if (source.limit > 0) pairs = pairs.slice(0, source.limit);
  const items = pairs.map(
    (p): DataItem => ({
      name: p.name,
      imageId: null,
      async load() {
        const { readMask } = p;
        // A format's reader checks the photo's size first; a preset's reads in parallel with it.
        const [img, mask] = readMask
          ? await decodeImage(p.imagePath).then(async (photo) => [photo, await readMask(expectedSize(p.name, photo, p.maskPath))] as const)
          : await Promise.all([decodeImage(p.imagePath), readMaskWithPreset(p.maskPath, preset)]);
        checkGeometry(p.name, img, mask, p.maskPath);
        return { rgb: img.data, labels: mask.labels, width: img.width, height: img.height };
      },
    }),
  );
  // Sorted names, every Nth to validation (the PyTorch peer's split).
  const n = source.valEvery;
  return {
    train: items.filter((_, i) => i % n !== n - 1),
    val: items.filter((_, i) => i % n === n - 1),
    test: [],
    describe: `folder ${source.dir} (preset ${source.preset}, every ${n}th image to val)`,
  };
}

function fromProject(source: Extract<DataSource, { kind: 'project' }>): DataSplits {
  const store = openStore(source.dir);
  const statuses = new Set<string>(source.statuses);
  const labelled = store.allRows().filter((r) => r.mask_revision > 0 && statuses.has(r.status));
  labelled.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const item = (row: (typeof labelled)[number]): DataItem => ({
    name: row.name,
    imageId: row.id,
    async load() {
      const path = store.imagePath(row);
      const [img, mask] = await Promise.all([decodeImage(path), readMask(store, row.id, row.mask_revision)]);
      checkGeometry(row.name, img, mask, path);
      return { rgb: img.data, labels: mask.labels, width: img.width, height: img.height };
    },
  });
  const inSplit = (split: Split) => labelled.filter((r) => r.split === split);
  const trainSplits = new Set<string>(source.trainSplits);
  return {
    train: labelled.filter((r) => trainSplits.has(r.split) && (!source.onlyInTraining || r.in_training === 1)).map(item),
    val: inSplit(source.valSplit).map(item),
    test: inSplit('test').map(item),
    describe: `project ${store.dir} (train: ${source.trainSplits.join('+')}, val: ${source.valSplit}, statuses ${source.statuses.join('/')})`,
  };
}

export async function openDataSource(source: DataSource): Promise<DataSplits> {
  return source.kind === 'folder' ? fromFolder(source) : fromProject(source);
}
