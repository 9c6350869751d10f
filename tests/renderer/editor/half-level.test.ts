import { describe, expect, it } from 'vitest';
import { OverlayRenderer } from '../../../src-renderer/editor/render/overlay';
import { createHalfLevel, updateHalfLevel } from '../../../src-renderer/editor/render/half-level';
import { grid } from './grid';

describe('half-resolution overlay level', () => {
  it('holds the full-resolution pixel at (2x, 2y) for every half pixel, odd sizes included', () => {
    const r = grid(`
      12345
      00000
      67012
      00000
      34567`);
    const o = new OverlayRenderer(r, { visible: 0xff, outline: false });
    o.renderAll();
    const half = createHalfLevel(5, 5);
    expect([half.width, half.height]).toEqual([3, 3]);
    expect(updateHalfLevel(half, o.pixels, 5, { x: 0, y: 0, w: 5, h: 5 })).toEqual({ x: 0, y: 0, w: 3, h: 3 });
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) {
        const h = (y * 3 + x) * 4;
        const f = (2 * y * 5 + 2 * x) * 4;
        expect(Array.from(half.pixels.subarray(h, h + 4))).toEqual(Array.from(o.pixels.subarray(f, f + 4)));
      }
    }
  });

  it('updates only the half pixels a changed rectangle covers', () => {
    const r = grid(`
      0000
      0000
      0000
      0000`);
    const o = new OverlayRenderer(r, { visible: 0xfe, outline: false });
    o.renderAll();
    const half = createHalfLevel(4, 4);
    updateHalfLevel(half, o.pixels, 4, { x: 0, y: 0, w: 4, h: 4 });
    r.data[2 * 4 + 2] = 3;
    r.data[0] = 3; // changed but outside the reported rectangle: must not appear
    o.render({ x: 2, y: 2, w: 1, h: 1 });
    expect(updateHalfLevel(half, o.pixels, 4, { x: 2, y: 2, w: 1, h: 1 })).toEqual({ x: 1, y: 1, w: 1, h: 1 });
    const alpha = Array.from({ length: 4 }, (_, i) => half.pixels[i * 4 + 3]);
    expect(alpha).toEqual([0, 0, 0, 255]);
  });
});
