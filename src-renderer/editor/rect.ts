// Axis-aligned pixel rectangles: every edit reports the rectangle it touched so history,
// rendering and saving only look at what changed.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const EMPTY_RECT: Rect = Object.freeze({ x: 0, y: 0, w: 0, h: 0 });

export function isEmpty(r: Rect): boolean {
  return r.w <= 0 || r.h <= 0;
}

/** The smallest rectangle holding both (an empty one is ignored). */
export function union(a: Rect, b: Rect): Rect {
  if (isEmpty(a)) return isEmpty(b) ? EMPTY_RECT : { ...b };
  if (isEmpty(b)) return { ...a };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** `r` cut to a width×height raster. */
export function clip(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(width, Math.ceil(r.x + r.w));
  const y1 = Math.min(height, Math.ceil(r.y + r.h));
  if (x1 <= x0 || y1 <= y0) return EMPTY_RECT;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function grow(r: Rect, by: number): Rect {
  if (isEmpty(r)) return EMPTY_RECT;
  return { x: r.x - by, y: r.y - by, w: r.w + 2 * by, h: r.h + 2 * by };
}

/** Grows a running bounding box by one pixel, in place (hot loops avoid allocating). */
export class BoundsAccumulator {
  x0 = Infinity;
  y0 = Infinity;
  x1 = -Infinity;
  y1 = -Infinity;

  add(x: number, y: number): void {
    if (x < this.x0) this.x0 = x;
    if (x > this.x1) this.x1 = x;
    if (y < this.y0) this.y0 = y;
    if (y > this.y1) this.y1 = y;
  }

  addRow(y: number, xFrom: number, xTo: number): void {
    this.add(xFrom, y);
    this.add(xTo, y);
  }

  rect(): Rect {
    if (this.x1 < this.x0) return EMPTY_RECT;
    return { x: this.x0, y: this.y0, w: this.x1 - this.x0 + 1, h: this.y1 - this.y0 + 1 };
  }
}
