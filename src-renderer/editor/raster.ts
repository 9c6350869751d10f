// The mask as the editor holds it: one class index per pixel at the photo's full resolution.
// Konva only ever displays it; every tool reads and writes these bytes, never blended values.
import { NUM_CLASSES } from '@contract/classes';
import type { Rect } from './rect';

export interface LabelRaster {
  readonly width: number;
  readonly height: number;
  /** Row-major, width*height bytes, each 0..NUM_CLASSES-1. */
  readonly data: Uint8Array;
}

export function createRaster(width: number, height: number, fill = 0): LabelRaster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`raster size must be positive whole numbers, got ${width}x${height}`);
  }
  const data = new Uint8Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { width, height, data };
}

/** Wraps existing labels (no copy), checking the size and that every value is a class. */
export function rasterFrom(width: number, height: number, data: Uint8Array): LabelRaster {
  if (data.length !== width * height) {
    throw new Error(`mask has ${data.length} bytes, expected ${width}x${height} = ${width * height}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (data[i]! >= NUM_CLASSES) throw new Error(`mask pixel ${i % width},${Math.floor(i / width)} has class ${data[i]}, above ${NUM_CLASSES - 1}`);
  }
  return { width, height, data };
}

export function get(r: LabelRaster, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return -1;
  return r.data[y * r.width + x]!;
}

/** Copies the rectangle's bytes out, row by row. */
export function readRect(r: LabelRaster, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.w * rect.h);
  for (let row = 0; row < rect.h; row++) {
    const start = (rect.y + row) * r.width + rect.x;
    out.set(r.data.subarray(start, start + rect.w), row * rect.w);
  }
  return out;
}

export function writeRect(r: LabelRaster, rect: Rect, bytes: Uint8Array): void {
  if (bytes.length !== rect.w * rect.h) throw new Error(`rect ${rect.w}x${rect.h} needs ${rect.w * rect.h} bytes, got ${bytes.length}`);
  for (let row = 0; row < rect.h; row++) {
    r.data.set(bytes.subarray(row * rect.w, (row + 1) * rect.w), (rect.y + row) * r.width + rect.x);
  }
}

/** Pixel count per class, for the status line and proposal summaries. */
export function histogram(r: LabelRaster): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < r.data.length; i++) counts[r.data[i]!]!++;
  return counts;
}
