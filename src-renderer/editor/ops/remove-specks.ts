// Remove specks: islands of one class smaller than a size take the class that surrounds them
// (the most common class along their border among non-speck neighbours; ties go to the lower
// class index, so the result is deterministic). All specks are decided on the original mask.
import { NUM_CLASSES } from '@contract/classes';
import { BoundsAccumulator, type Rect } from '../rect';
import type { LabelRaster } from '../raster';
import { forEachNeighbour, labelComponents } from './components';

export interface RemoveSpecksOptions {
  /** Islands with fewer pixels than this are removed. */
  minArea: number;
  /** Bitmask of the classes whose islands are candidates. */
  classes: number;
}

export function removeSpecks(r: LabelRaster, options: RemoveSpecksOptions): Rect {
  const { width, height, data } = r;
  const comps = labelComponents(r, options.classes, true);
  const isSpeck = comps.area.map((a) => a < options.minArea);
  if (!isSpeck.includes(true)) return { x: 0, y: 0, w: 0, h: 0 };
  // Per speck: neighbour class counts, from solid neighbours and (fallback) from any neighbour.
  const solid = new Map<number, Uint32Array>();
  const any = new Map<number, Uint32Array>();
  const counts = (m: Map<number, Uint32Array>, id: number): Uint32Array => {
    let v = m.get(id);
    if (!v) m.set(id, (v = new Uint32Array(NUM_CLASSES)));
    return v;
  };
  const { labels } = comps;
  for (let i = 0; i < data.length; i++) {
    const id = labels[i]!;
    if (id < 0 || !isSpeck[id]) continue;
    forEachNeighbour(width, height, i, (j) => {
      const other = labels[j]!;
      if (other === id) return;
      const c = data[j]!;
      counts(any, id)[c]!++;
      if (other < 0 || !isSpeck[other]) counts(solid, id)[c]!++;
    });
  }
  const replacement = new Int16Array(comps.count).fill(-1);
  for (let id = 0; id < comps.count; id++) {
    if (!isSpeck[id]) continue;
    const votes = solid.get(id) ?? any.get(id);
    if (!votes) continue; // the island is the whole image
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (votes[c]! > votes[best]!) best = c;
    replacement[id] = best;
  }
  const bounds = new BoundsAccumulator();
  for (let i = 0; i < data.length; i++) {
    const id = labels[i]!;
    if (id < 0) continue;
    const to = replacement[id]!;
    if (to < 0 || to === data[i]) continue;
    data[i] = to;
    bounds.add(i % width, Math.floor(i / width));
  }
  return bounds.rect();
}
