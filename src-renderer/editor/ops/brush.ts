// The round brush. A stroke is the union of capsules between successive pointer positions (the
// Minkowski sum of the polyline and a disc), so fast moves leave no gaps and the result does not
// depend on how many intermediate pointer events arrived along a straight line.
// Coordinates are integer pixels; a pixel is painted when its centre is within size/2 of the path.
import { BoundsAccumulator, EMPTY_RECT, union, type Rect } from '../rect';
import type { LabelRaster } from '../raster';
import type { PaintRule } from '../paint-rule';

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 512;

export interface Point {
  x: number;
  y: number;
}

/** Paints one capsule from a to b (a == b: a disc). Returns the bounds of the pixels it changed. */
export function paintCapsule(r: LabelRaster, a: Point, b: Point, size: number, rule: PaintRule): Rect {
  const radius = size / 2;
  const r2 = radius * radius;
  const reach = Math.floor(radius);
  const x0 = Math.max(0, Math.min(a.x, b.x) - reach);
  const x1 = Math.min(r.width - 1, Math.max(a.x, b.x) + reach);
  const y0 = Math.max(0, Math.min(a.y, b.y) - reach);
  const y1 = Math.min(r.height - 1, Math.max(a.y, b.y) + reach);
  if (x0 > x1 || y0 > y1) return EMPTY_RECT;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const { cls, allow } = rule;
  const data = r.data;
  const bounds = new BoundsAccumulator();
  for (let y = y0; y <= y1; y++) {
    const row = y * r.width;
    let first = -1;
    let last = -1;
    for (let x = x0; x <= x1; x++) {
      // Squared distance from (x, y) to the segment, exactly (integers in, one division).
      let px = x - a.x;
      let py = y - a.y;
      if (len2 > 0) {
        const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
        px -= t * dx;
        py -= t * dy;
      }
      if (px * px + py * py > r2) continue;
      const i = row + x;
      const old = data[i]!;
      if (old === cls || (allow & (1 << old)) === 0) continue;
      data[i] = cls;
      if (first < 0) first = x;
      last = x;
    }
    if (first >= 0) bounds.addRow(y, first, last);
  }
  return bounds.rect();
}

/** A stroke in progress: remembers the last point and everything it changed so far. */
export class BrushStroke {
  private last: Point | null = null;
  changed: Rect = EMPTY_RECT;

  constructor(
    private readonly raster: LabelRaster,
    readonly size: number,
    readonly rule: PaintRule,
  ) {
    if (!Number.isFinite(size) || size < MIN_BRUSH || size > MAX_BRUSH) throw new Error(`brush size ${size} is not ${MIN_BRUSH}..${MAX_BRUSH}`);
  }

  /** Extends the stroke to p; returns what this segment changed (for redrawing). */
  to(p: Point): Rect {
    const q = { x: Math.round(p.x), y: Math.round(p.y) };
    const from = this.last ?? q;
    this.last = q;
    const rect = paintCapsule(this.raster, from, q, this.size, this.rule);
    this.changed = union(this.changed, rect);
    return rect;
  }
}

/** A whole stroke at once (tests, replays). */
export function paintStroke(r: LabelRaster, points: readonly Point[], size: number, rule: PaintRule): Rect {
  const stroke = new BrushStroke(r, size, rule);
  for (const p of points) stroke.to(p);
  return stroke.changed;
}
