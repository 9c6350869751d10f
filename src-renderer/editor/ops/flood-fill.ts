// Flood fill: the 4-connected region of the clicked pixel's class becomes the chosen class.
// Scanline spans on an explicit stack: no recursion, fine for a full 4096x4096 region.
import { BoundsAccumulator, EMPTY_RECT, type Rect } from '../rect';
import type { LabelRaster } from '../raster';
import type { PaintRule } from '../paint-rule';
import type { Point } from './brush';

export function floodFill(r: LabelRaster, seed: Point, rule: PaintRule): Rect {
  const { width, height, data } = r;
  const sx = Math.round(seed.x);
  const sy = Math.round(seed.y);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return EMPTY_RECT;
  const target = data[sy * width + sx]!;
  if (target === rule.cls || (rule.allow & (1 << target)) === 0) return EMPTY_RECT;
  const bounds = new BoundsAccumulator();
  const stack: number[] = [sx, sy];
  while (stack.length > 0) {
    const y = stack.pop()!;
    const x = stack.pop()!;
    const row = y * width;
    if (data[row + x] !== target) continue;
    let left = x;
    while (left > 0 && data[row + left - 1] === target) left--;
    let right = x;
    while (right < width - 1 && data[row + right + 1] === target) right++;
    data.fill(rule.cls, row + left, row + right + 1);
    bounds.addRow(y, left, right);
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let inSpan = false;
      for (let nx = left; nx <= right; nx++) {
        const hit = data[nrow + nx] === target;
        // One seed per run of the target class in the neighbouring row.
        if (hit && !inSpan) stack.push(nx, ny);
        inSpan = hit;
      }
    }
  }
  return bounds.rect();
}
