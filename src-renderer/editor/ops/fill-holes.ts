// Fill holes: regions enclosed by one class (touching nothing else and not the image edge) up to a
// size become that class. The class lock limits which classes count as hole material, so
// "fill background holes in skin" never swallows an eye.
import { NUM_CLASSES } from '@contract/classes';
import { BoundsAccumulator, type Rect } from '../rect';
import type { LabelRaster } from '../raster';
import type { PaintRule } from '../paint-rule';
import { forEachNeighbour, labelComponents } from './components';

export interface FillHolesOptions {
  /** Holes larger than this many pixels are left alone. */
  maxArea: number;
}

export function fillHoles(r: LabelRaster, rule: PaintRule, options: FillHolesOptions): Rect {
  const { width, height, data } = r;
  const c = rule.cls;
  const members = rule.allow & ~(1 << c) & ((1 << NUM_CLASSES) - 1);
  const comps = labelComponents(r, members, false);
  const { labels } = comps;
  // A component touching a non-member pixel other than the enclosing class is not a hole.
  const open = comps.border.slice();
  for (let i = 0; i < data.length; i++) {
    const id = labels[i]!;
    if (id < 0 || open[id]) continue;
    forEachNeighbour(width, height, i, (j) => {
      if (labels[j] === -1 && data[j] !== c) open[id] = true;
    });
  }
  const bounds = new BoundsAccumulator();
  for (let i = 0; i < data.length; i++) {
    const id = labels[i]!;
    if (id < 0 || open[id] || comps.area[id]! > options.maxArea) continue;
    data[i] = c;
    bounds.add(i % width, Math.floor(i / width));
  }
  return bounds.rect();
}
