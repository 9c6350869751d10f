// Reads a source mask through a preset into class labels 0..7, or our own stored masks.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DomainError } from '../../contract/domain-error';
import { mapIndexValues, mapRgbValues } from '../presets/map';
import type { Preset } from '../presets/load';
import { decodePng8, encodePng8, PngFormatError, type Rgb } from './png8';
import { writeFileAtomic } from './atomic';
import { checkPixelLimit, headerSize, maxImagePixels } from './limits';
import { CLASS_COLORS, NUM_CLASSES } from '../../contract/classes';

export interface MaskLabels {
  width: number;
  height: number;
  /** One class 0..7 per pixel, row-major. */
  labels: Uint8Array;
}

function badMask(path: string, problem: string): DomainError {
  return new DomainError({ code: 'bad_file', file: path, message: `${path}: ${problem}` });
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    const bytes = await readFile(path);
    if (bytes.length === 0) throw badMask(path, 'empty file');
    return bytes;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw badMask(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** One raw sample per pixel: palette index or gray value (PNG); gray-looking RGB is accepted too. */
async function readSamples(path: string, bytes: Buffer): Promise<{ width: number; height: number; samples: Uint8Array }> {
  try {
    return decodePng8(bytes);
  } catch (error) {
    if (!(error instanceof PngFormatError)) throw error;
    if (error.message !== 'not a PNG file' && !/samples per pixel/.test(error.message)) throw badMask(path, error.message);
  }
  // Not a single-sample PNG: accept any image whose channels are all equal (a gray mask saved as RGB).
  const { data, info } = await sharp(bytes, { failOn: 'warning', limitInputPixels: maxImagePixels() })
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw badMask(path, `not a readable mask image (${(error as Error).message})`);
    });
  const samples = new Uint8Array(info.width * info.height);
  const c = info.channels;
  for (let i = 0; i < samples.length; i++) {
    const v = data[i * c]!;
    if (c >= 3 && (data[i * c + 1] !== v || data[i * c + 2] !== v)) {
      throw badMask(path, 'is a colour image; this preset reads palette-index or gray values (use the color preset for colour masks)');
    }
    samples[i] = v;
  }
  return { width: info.width, height: info.height, samples };
}

async function readRgb(path: string, bytes: Buffer): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  try {
    // No rotate(): masks are label maps in the image's display geometry, never EXIF-rotated.
    const { data, info } = await sharp(bytes, { failOn: 'warning', limitInputPixels: maxImagePixels() }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw badMask(path, `not a readable mask image (${(error as Error).message})`);
  }
}

/** The size a mask must have, and the error to throw (before decoding) when its header differs. */
export interface ExpectedSize {
  width: number;
  height: number;
  mismatch: (found: { width: number; height: number }) => Error;
}

/**
 * Measures the mask from its header before anything is inflated: above the pixel limit, or not
 * the expected size, it is refused without being decoded.
 */
async function checkHeader(path: string, bytes: Buffer, expected: ExpectedSize | undefined): Promise<void> {
  const size = await headerSize(bytes);
  if (!size) return; // not a readable header: the decoder says what is wrong
  if (expected && (size.width !== expected.width || size.height !== expected.height)) throw expected.mismatch(size);
  checkPixelLimit(path, size.width, size.height, 'mask');
}

/** A source mask's raw samples before any mapping: one value per pixel (index presets) or RGB triples (rgb presets). */
export type RawMask = { width: number; height: number } & ({ read: 'index'; samples: Uint8Array } | { read: 'rgb'; rgb: Uint8Array });

/** Reads a source mask's raw values as the preset would, checked the same way, without mapping them (for an import preview). */
export async function readRawMask(path: string, preset: Preset, expected?: ExpectedSize): Promise<RawMask> {
  if (preset.read === 'none') throw new Error(`preset ${preset.name} has no masks`);
  const bytes = await readBytes(path);
  await checkHeader(path, bytes, expected);
  if (preset.read === 'rgb') return { read: 'rgb', ...(await readRgb(path, bytes)) };
  return { read: 'index', ...(await readSamples(path, bytes)) };
}

/** Reads a source mask and maps it through the preset. Unnamed values → `bad_file` listing them. */
export async function readMaskWithPreset(path: string, preset: Preset, expected?: ExpectedSize): Promise<MaskLabels> {
  if (preset.read === 'none') throw new Error(`preset ${preset.name} has no masks`);
  const bytes = await readBytes(path);
  await checkHeader(path, bytes, expected);
  if (preset.read === 'rgb') {
    const { width, height, rgb } = await readRgb(path, bytes);
    return { width, height, labels: mapRgbValues(rgb, preset, path) };
  }
  const { width, height, samples } = await readSamples(path, bytes);
  return { width, height, labels: mapIndexValues(samples, preset, path) };
}

/** The fixed palette of stored masks: index = class, colour = the class colour. */
export const MASK_PALETTE: readonly Rgb[] = CLASS_COLORS.map((c) => [c[0], c[1], c[2]] as const);

/** Encodes class labels as the studio's indexed PNG (fixed 8-colour palette). */
export function encodeIndexedPng(labels: Uint8Array, width: number, height: number): Buffer {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) throw new RangeError(`label ${labels[i]} at pixel ${i} is not a class 0..${NUM_CLASSES - 1}`);
  }
  return encodePng8(labels, width, height, MASK_PALETTE);
}

/** Writes class labels as an indexed PNG atomically (temp, fsync, rename). */
export async function writeIndexedPng(path: string, labels: Uint8Array, width: number, height: number): Promise<void> {
  await writeFileAtomic(path, encodeIndexedPng(labels, width, height));
}

/** Reads one of the studio's indexed PNG masks (palette index = class), checking every value is a class. */
export async function readIndexedPng(path: string, expected?: ExpectedSize): Promise<MaskLabels> {
  const bytes = await readBytes(path);
  await checkHeader(path, bytes, expected);
  let png;
  try {
    png = decodePng8(bytes);
  } catch (error) {
    throw badMask(path, (error as Error).message);
  }
  for (let i = 0; i < png.samples.length; i++) {
    if (png.samples[i]! >= NUM_CLASSES) throw badMask(path, `value ${png.samples[i]} is not a class 0..${NUM_CLASSES - 1}`);
  }
  return { width: png.width, height: png.height, labels: png.samples };
}
