// Small rasters written as text, one digit (class) per pixel, so expected results are readable.
import { rasterFrom, type LabelRaster } from '../../../src-renderer/editor/raster';

export function grid(text: string): LabelRaster {
  const rows = text
    .trim()
    .split('\n')
    .map((r) => r.trim());
  const width = rows[0]!.length;
  const data = new Uint8Array(width * rows.length);
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error(`row ${y} has ${row.length} pixels, expected ${width}`);
    for (let x = 0; x < width; x++) data[y * width + x] = Number(row[x]);
  });
  return rasterFrom(width, rows.length, data);
}

export function show(r: LabelRaster): string {
  const rows: string[] = [];
  for (let y = 0; y < r.height; y++) rows.push(Array.from(r.data.subarray(y * r.width, (y + 1) * r.width)).join(''));
  return rows.join('\n');
}

/** Normalises a text grid the way `show` prints it. */
export function text(t: string): string {
  return t
    .trim()
    .split('\n')
    .map((r) => r.trim())
    .join('\n');
}

/** A deterministic pseudo-random generator (mulberry32) for property-style tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
