// Polygon fill: even-odd scanline fill of pixel centres, plus the outline itself so clicked
// vertices and thin slivers are always painted. Vertices are integer pixel coordinates.
import { BoundsAccumulator, union, type Rect } from '../rect';
import type { LabelRaster } from '../raster';
import type { PaintRule } from '../paint-rule';
import { paintCapsule, type Point } from './brush';

export function fillPolygon(r: LabelRaster, points: readonly Point[], rule: PaintRule): Rect {
  if (points.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  const pts = points.map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
  let changed = fillInterior(r, pts, rule);
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % pts.length]!;
    changed = union(changed, paintCapsule(r, a, b, 1, rule));
  }
  return changed;
}

function fillInterior(r: LabelRaster, pts: readonly Point[], rule: PaintRule): Rect {
  const bounds = new BoundsAccumulator();
  if (pts.length < 3) return bounds.rect();
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of pts) {
    yMin = Math.min(yMin, p.y);
    yMax = Math.max(yMax, p.y);
  }
  yMin = Math.max(0, yMin);
  yMax = Math.min(r.height - 1, yMax);
  const xs: number[] = [];
  const { cls, allow } = rule;
  for (let y = yMin; y <= yMax; y++) {
    xs.length = 0;
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]!;
      const b = pts[(i + 1) % pts.length]!;
      // Half-open in y so a vertex shared by two edges is counted once.
      if ((a.y <= y && y < b.y) || (b.y <= y && y < a.y)) {
        xs.push(a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y));
      }
    }
    xs.sort((p, q) => p - q);
    const row = y * r.width;
    let first = -1;
    let last = -1;
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]!));
      const to = Math.min(r.width - 1, Math.floor(xs[k + 1]!));
      for (let x = from; x <= to; x++) {
        const old = r.data[row + x]!;
        if (old === cls || (allow & (1 << old)) === 0) continue;
        r.data[row + x] = cls;
        if (first < 0 || x < first) first = x;
        if (x > last) last = x;
      }
    }
    if (first >= 0) bounds.addRow(y, first, last);
  }
  return bounds.rect();
}
