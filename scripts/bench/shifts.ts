// Constructed domain shifts of labelled photos (what another camera or pose does to a photo, and
// to its mask where the geometry changes), for the benchmarks that score models on them
// (bench/finetune.ts, bench/robustness.ts), and the helpers to store such photos as a labelled
// folder and score a model folder on one.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { CLASS_NAMES } from '../../src-main/contract/classes';
import { runConfigSchema } from '../../src-main/contract/training';
import { BatchLoader, openDataSource, resizeLabelsNearest, resizeRgb, type DataItem } from '../../src-main/dataset/loader';
import { warp } from '../../src-main/dataset/batches/augment';
import { rngFor, uniform } from '../../src-main/dataset/batches/rng';
import { encodeIndexedPng } from '../../src-main/dataset/io/mask';
import { loadModelDir } from '../../src-main/engine/infer/model-dir';
import { evaluate } from '../../src-main/engine/train/evaluate';

export interface Labelled {
  name: string;
  rgb: Uint8Array;
  labels: Uint8Array;
}
export interface Shift {
  name: string;
  describe: string;
  apply(sample: Labelled, size: number, index: number): Promise<{ rgb: Uint8Array; labels: Uint8Array; jpegQuality: number }>;
}

/** Rotation about the centre, back to bytes (the shifted photo is stored like a real one). */
function rotate(sample: Labelled, size: number, degrees: number): { rgb: Uint8Array; labels: Uint8Array } {
  const turned = warp(sample.rgb, sample.labels, size, { flip: false, scale: 1, angle: (degrees * Math.PI) / 180, tx: 0, ty: 0 });
  return { rgb: Uint8Array.from(turned.rgb, (v) => Math.round(v * 255)), labels: turned.labels };
}

/** Down by `factor` and back up (bilinear): the detail of a photo `factor` times smaller. */
async function lowRes(rgb: Uint8Array, size: number, factor: number): Promise<Uint8Array> {
  const small = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).resize(size / factor, size / factor, { kernel: 'linear' }).raw().toBuffer();
  return new Uint8Array(await sharp(small, { raw: { width: size / factor, height: size / factor, channels: 3 } }).resize(size, size, { kernel: 'linear' }).raw().toBuffer());
}

function gray(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < out.length; i += 3) out[i] = out[i + 1] = out[i + 2] = Math.round(0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!);
  return out;
}

/** 20-35° either way (alternating by index), drawn per photo name. */
const tilt = (s: Labelled, index: number): number => uniform(rngFor('rot-lowres', s.name), 20, 35) * (index % 2 === 0 ? 1 : -1);

export const SHIFTS: Record<string, Shift> = {
  'gray-jpeg': {
    name: 'gray-jpeg',
    describe: 'grayscale + JPEG quality 12',
    async apply(s) {
      return { rgb: gray(s.rgb), labels: s.labels, jpegQuality: 12 };
    },
  },
  'rot-lowres': {
    name: 'rot-lowres',
    describe: 'rotation 20-35° either way + 4x lower resolution',
    async apply(s, size, index) {
      const turned = rotate(s, size, tilt(s, index));
      return { rgb: await lowRes(turned.rgb, size, 4), labels: turned.labels, jpegQuality: 95 };
    },
  },
  rotated: {
    name: 'rotated',
    describe: 'rotation 20-35° either way',
    async apply(s, size, index) {
      return { ...rotate(s, size, tilt(s, index)), jpegQuality: 95 };
    },
  },
  'low-res': {
    name: 'low-res',
    describe: '4x lower resolution',
    async apply(s, size) {
      return { rgb: await lowRes(s.rgb, size, 4), labels: s.labels, jpegQuality: 95 };
    },
  },
  'ears-skin': {
    name: 'ears-skin',
    describe: 'relabelled: ears painted as skin',
    async apply(s) {
      return { rgb: s.rgb, labels: s.labels.map((c) => (c === 6 ? 1 : c)), jpegQuality: 95 };
    },
  },
};

export async function loadAt(items: DataItem[], size: number): Promise<Labelled[]> {
  const out: Labelled[] = [];
  for (const item of items) {
    const full = await item.load();
    out.push({ name: item.name, rgb: await resizeRgb(full.rgb, full.width, full.height, size), labels: resizeLabelsNearest(full.labels, full.width, full.height, size) });
  }
  return out;
}

/** A labelled folder (images/*.jpg + masks/*.png, preset labels8). */
export async function writeFolder(dir: string, samples: Labelled[], size: number, shift: Shift | null): Promise<string> {
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'masks'), { recursive: true });
  for (const [i, s] of samples.entries()) {
    const out = shift ? await shift.apply(s, size, i) : { ...s, jpegQuality: 95 };
    await writeFile(join(dir, 'images', `${s.name}.jpg`), await sharp(out.rgb, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: out.jpegQuality }).toBuffer());
    await writeFile(join(dir, 'masks', `${s.name}.png`), encodeIndexedPng(out.labels, size, size));
  }
  return dir;
}

/** Mean F1 over the face parts (and per class) of a model folder on every image of a labelled folder. */
export async function scoreFolder(modelDir: string, dir: string): Promise<{ meanF1Face: number; f1: number[] }> {
  const splits = await openDataSource(runConfigSchema.shape.data.parse({ kind: 'folder', dir, preset: 'labels8', valEvery: 2 }));
  const loaded = await loadModelDir(modelDir);
  try {
    const loader = new BatchLoader([...splits.train, ...splits.val], { size: loaded.meta.inputSize, batchSize: 8, seed: 0, augment: null });
    const { metrics } = await evaluate(loaded.model, loader, { classNames: CLASS_NAMES });
    return { meanF1Face: metrics.meanF1Face, f1: metrics.perClass.map((c) => c.f1) };
  } finally {
    loaded.model.dispose();
  }
}

/** Mean F1 over the face parts only. */
export async function score(modelDir: string, dir: string): Promise<number> {
  return (await scoreFolder(modelDir, dir)).meanF1Face;
}
