import { describe, expect, it } from 'vitest';
import { createRaster, histogram } from '../../../src-renderer/editor/raster';
import { rule } from '../../../src-renderer/editor/paint-rule';
import { paintCapsule, paintStroke, BrushStroke } from '../../../src-renderer/editor/ops/brush';
import { eraserRule } from '../../../src-renderer/editor/ops/eraser';
import { grid, show, text } from './grid';

describe('brush', () => {
  it('size 1 paints exactly the pixel under the pointer', () => {
    const r = createRaster(5, 3);
    const rect = paintCapsule(r, { x: 2, y: 1 }, { x: 2, y: 1 }, 1, rule(3));
    expect(show(r)).toBe(text(`
      00000
      00300
      00000`));
    expect(rect).toEqual({ x: 2, y: 1, w: 1, h: 1 });
  });

  it('size 5 is a round disc (pixel centres within 2.5 px), corners left out', () => {
    const r = createRaster(7, 7);
    paintCapsule(r, { x: 3, y: 3 }, { x: 3, y: 3 }, 5, rule(1));
    expect(show(r)).toBe(text(`
      0000000
      0011100
      0111110
      0111110
      0111110
      0011100
      0000000`));
  });

  it('a fast move between two far events leaves no gap: the capsule covers the whole path', () => {
    const r = createRaster(12, 5);
    const rect = paintStroke(r, [{ x: 1, y: 2 }, { x: 10, y: 2 }], 2, rule(5));
    expect(show(r)).toBe(text(`
      000000000000
      055555555550
      555555555555
      055555555550
      000000000000`));
    expect(rect).toEqual({ x: 0, y: 1, w: 12, h: 3 });
  });

  it('the result does not depend on how many events arrived along a straight line', () => {
    const sparse = createRaster(40, 40);
    const dense = createRaster(40, 40);
    paintStroke(sparse, [{ x: 3, y: 4 }, { x: 33, y: 28 }], 4, rule(2));
    // (18, 16) lies exactly on the segment: an extra event there must change nothing.
    paintStroke(dense, [{ x: 3, y: 4 }, { x: 18, y: 16 }, { x: 33, y: 28 }], 4, rule(2));
    expect(show(dense)).toBe(show(sparse));
    // Every pixel centre within 2 px of the segment is painted, nothing else.
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) {
        const t = Math.max(0, Math.min(1, ((x - 3) * 30 + (y - 4) * 24) / (30 * 30 + 24 * 24)));
        const dx = x - 3 - 30 * t;
        const dy = y - 4 - 24 * t;
        expect(sparse.data[y * 40 + x]).toBe(dx * dx + dy * dy <= 4 ? 2 : 0);
      }
    }
  });

  it('class lock paints only over the locked class', () => {
    const r = grid(`
      00000
      03330
      00000`);
    paintStroke(r, [{ x: 0, y: 1 }, { x: 4, y: 1 }], 3, rule(1, 0));
    expect(show(r)).toBe(text(`
      11111
      13331
      11111`));
  });

  it('reports only the pixels it changed, empty when painting over its own class', () => {
    const r = createRaster(6, 6, 2);
    const stroke = new BrushStroke(r, 3, rule(2));
    expect(stroke.to({ x: 3, y: 3 })).toEqual({ x: 0, y: 0, w: 0, h: 0 });
    expect(stroke.changed).toEqual({ x: 0, y: 0, w: 0, h: 0 });
  });

  it('clips at the raster edges', () => {
    const r = createRaster(4, 4);
    const rect = paintCapsule(r, { x: 0, y: 0 }, { x: 0, y: 0 }, 3, rule(4));
    expect(show(r)).toBe(text(`
      4400
      4400
      0000
      0000`));
    expect(rect).toEqual({ x: 0, y: 0, w: 2, h: 2 });
  });

  it('rejects sizes outside 1..512', () => {
    expect(() => new BrushStroke(createRaster(2, 2), 0, rule(1))).toThrow(/brush size 0/);
  });
});

describe('eraser', () => {
  it('paints background with hard edges: only 0 or the original values remain', () => {
    const r = createRaster(20, 20, 5);
    paintStroke(r, [{ x: 2, y: 3 }, { x: 15, y: 11 }], 6, eraserRule());
    const counts = histogram(r);
    expect(counts[0]! + counts[5]!).toBe(400);
    expect(counts[0]).toBeGreaterThan(0);
    expect(r.data[3 * 20 + 2]).toBe(0);
  });

  it('with a lock erases only that class', () => {
    const r = grid(`
      1223
      1223`);
    paintStroke(r, [{ x: 0, y: 0 }, { x: 3, y: 1 }], 5, eraserRule(2));
    expect(show(r)).toBe(text(`
      1003
      1003`));
  });
});
