// A half-resolution copy of an RGBA overlay for zoomed-out views, kept in step per changed
// rectangle. Each half pixel is the full-resolution pixel at (2x, 2y): the same nearest-neighbour
// choice the canvas would make when drawing the full overlay at half size, so the picture is
// unchanged while the canvas samples a quarter of the memory on every frame.
import { clip, isEmpty, type Rect } from '../rect';

export interface HalfLevel {
  readonly width: number;
  readonly height: number;
  /** RGBA, width*height*4. */
  readonly pixels: Uint8ClampedArray;
}

export function createHalfLevel(fullWidth: number, fullHeight: number): HalfLevel {
  const width = Math.ceil(fullWidth / 2);
  const height = Math.ceil(fullHeight / 2);
  return { width, height, pixels: new Uint8ClampedArray(width * height * 4) };
}

/** Updates the half pixels covering the full-resolution `rect`; returns that half-level area. */
export function updateHalfLevel(level: HalfLevel, full: Uint8ClampedArray, fullWidth: number, rect: Rect): Rect {
  const area = clip({ x: Math.floor(rect.x / 2), y: Math.floor(rect.y / 2), w: Math.ceil((rect.x + rect.w) / 2) - Math.floor(rect.x / 2), h: Math.ceil((rect.y + rect.h) / 2) - Math.floor(rect.y / 2) }, level.width, level.height);
  if (isEmpty(area)) return area;
  const src = new Uint32Array(full.buffer, full.byteOffset, full.length / 4);
  const dst = new Uint32Array(level.pixels.buffer, level.pixels.byteOffset, level.pixels.length / 4);
  for (let y = area.y; y < area.y + area.h; y++) {
    const from = 2 * y * fullWidth;
    const to = y * level.width;
    for (let x = area.x; x < area.x + area.w; x++) dst[to + x] = src[from + 2 * x]!;
  }
  return area;
}
