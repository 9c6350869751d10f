import { describe, expect, it } from 'vitest';
import { fitView, panBy, rasterToScreen, screenToRaster, wheelFactor, zoomAt, MAX_SCALE } from '../../../src-renderer/editor/view-transform';

describe('view transform', () => {
  it('maps pixel centres to the screen and back to the same pixel at any zoom', () => {
    for (const view of [{ scale: 1, x: 0, y: 0 }, { scale: 0.37, x: 12.5, y: -40 }, { scale: 8, x: -3000, y: 200 }]) {
      for (const [px, py] of [[0, 0], [511, 7], [100, 300]] as const) {
        const s = rasterToScreen(view, px, py);
        expect(screenToRaster(view, s.x, s.y)).toEqual({ x: px, y: py });
      }
    }
  });

  it('zooming keeps the raster point under the cursor in place', () => {
    const v = { scale: 0.5, x: 30, y: 40 };
    const z = zoomAt(v, 3, 200, 150);
    expect(z.scale).toBeCloseTo(1.5);
    const before = { x: (200 - v.x) / v.scale, y: (150 - v.y) / v.scale };
    const after = { x: (200 - z.x) / z.scale, y: (150 - z.y) / z.scale };
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    expect(zoomAt(v, 1e6, 0, 0).scale).toBe(MAX_SCALE);
  });

  it('fits and centres the image, pans by screen pixels', () => {
    expect(fitView(512, 256, 1000, 600, 0)).toEqual({ scale: 1000 / 512, x: 0, y: 50 });
    expect(panBy({ scale: 2, x: 1, y: 1 }, 5, -3)).toEqual({ scale: 2, x: 6, y: -2 });
  });

  it('wheel up zooms in, down zooms out, line and page deltas are scaled', () => {
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(100, 0)).toBeLessThan(1);
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(99, 0));
  });
});
