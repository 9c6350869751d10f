// 4-connected component labelling over a raster, shared by fill-holes and remove-specks.
// Breadth-first with a flat queue: linear time, no recursion, no per-pixel allocation.
import type { LabelRaster } from '../raster';

export interface Components {
  /** Component id per pixel, -1 where the pixel is not a member. */
  labels: Int32Array;
  count: number;
  area: number[];
  /** Whether the component reaches the raster's edge. */
  border: boolean[];
}

/**
 * Members are pixels whose class bit is set in `memberMask`. With `sameClass` a component holds
 * one class; without it, neighbouring members of different classes join one component.
 */
export function labelComponents(r: LabelRaster, memberMask: number, sameClass: boolean): Components {
  const { width, height, data } = r;
  const n = width * height;
  const labels = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const area: number[] = [];
  const border: boolean[] = [];
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (labels[start] !== -1 || (memberMask & (1 << data[start]!)) === 0) continue;
    const id = count++;
    const cls = data[start]!;
    let head = 0;
    let tail = 0;
    let size = 0;
    let edge = false;
    labels[start] = id;
    queue[tail++] = start;
    while (head < tail) {
      const i = queue[head++]!;
      size++;
      const x = i % width;
      const y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge = true;
      // Left, right, up, down.
      for (let k = 0; k < 4; k++) {
        let j: number;
        if (k === 0) { if (x === 0) continue; j = i - 1; }
        else if (k === 1) { if (x === width - 1) continue; j = i + 1; }
        else if (k === 2) { if (y === 0) continue; j = i - width; }
        else { if (y === height - 1) continue; j = i + width; }
        if (labels[j] !== -1) continue;
        const c = data[j]!;
        if ((memberMask & (1 << c)) === 0 || (sameClass && c !== cls)) continue;
        labels[j] = id;
        queue[tail++] = j;
      }
    }
    area.push(size);
    border.push(edge);
  }
  return { labels, count, area, border };
}

/** Calls `visit(i, j)` for every pixel i and each of its in-bounds 4-neighbours j. */
export function forEachNeighbour(width: number, height: number, i: number, visit: (j: number) => void): void {
  const x = i % width;
  const y = (i - x) / width;
  if (x > 0) visit(i - 1);
  if (x < width - 1) visit(i + 1);
  if (y > 0) visit(i - width);
  if (y < height - 1) visit(i + width);
}
