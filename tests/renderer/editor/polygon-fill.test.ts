import { describe, expect, it } from 'vitest';
import { createRaster } from '../../../src-renderer/editor/raster';
import { rule } from '../../../src-renderer/editor/paint-rule';
import { fillPolygon } from '../../../src-renderer/editor/ops/polygon';
import { floodFill } from '../../../src-renderer/editor/ops/flood-fill';
import { grid, show, text } from './grid';

describe('polygon', () => {
  it('fills a rectangle including its edges and vertices', () => {
    const r = createRaster(8, 7);
    const rect = fillPolygon(r, [{ x: 2, y: 1 }, { x: 6, y: 1 }, { x: 6, y: 4 }, { x: 2, y: 4 }], rule(3));
    expect(show(r)).toBe(text(`
      00000000
      00333330
      00333330
      00333330
      00333330
      00000000
      00000000`));
    expect(rect).toEqual({ x: 2, y: 1, w: 5, h: 4 });
  });

  it('fills a triangle: interior pixel centres plus every pixel within 0.5 px of an edge', () => {
    const r = createRaster(9, 6);
    fillPolygon(r, [{ x: 0, y: 0 }, { x: 8, y: 0 }, { x: 0, y: 4 }], rule(1));
    expect(show(r)).toBe(text(`
      111111111
      111111110
      111111000
      111100000
      110000000
      000000000`));
  });

  it('fills a self-crossing bow tie as two triangles and respects the lock', () => {
    const r = grid(`
      0000000
      0000000
      0000000
      0002000
      0000000
      0000000
      0000000`);
    fillPolygon(r, [{ x: 0, y: 0 }, { x: 6, y: 6 }, { x: 6, y: 0 }, { x: 0, y: 6 }], rule(4, 0));
    expect(show(r)).toBe(text(`
      4000004
      4400044
      4440444
      4442444
      4440444
      4400044
      4000004`));
  });

  it('two clicks draw a line, one click a pixel', () => {
    const r = createRaster(5, 3);
    fillPolygon(r, [{ x: 0, y: 1 }, { x: 4, y: 1 }], rule(2));
    fillPolygon(r, [{ x: 2, y: 0 }], rule(5));
    expect(show(r)).toBe(text(`
      00500
      22222
      00000`));
  });
});

describe('flood fill', () => {
  it('fills the 4-connected region of the clicked class only', () => {
    const r = grid(`
      11100
      10100
      11010
      00011`);
    const rect = floodFill(r, { x: 1, y: 1 }, rule(5));
    expect(show(r)).toBe(text(`
      11100
      15100
      11010
      00011`));
    expect(rect).toEqual({ x: 1, y: 1, w: 1, h: 1 });
    floodFill(r, { x: 4, y: 0 }, rule(2));
    expect(show(r)).toBe(text(`
      11122
      15122
      11012
      00011`));
  });

  it('does not leak through diagonal contacts', () => {
    const r = grid(`
      0001000
      0010100
      0100010
      0010100
      0001000`);
    const rect = floodFill(r, { x: 0, y: 0 }, rule(3));
    expect(show(r)).toBe(text(`
      3331000
      3310100
      3100010
      3310100
      3331000`));
    // The right side touches the left only diagonally (through the diamond's tips).
    expect(rect).toEqual({ x: 0, y: 0, w: 3, h: 5 });
  });

  it('does nothing when locked to another class or clicking the same class', () => {
    const r = grid(`
      112
      112`);
    expect(floodFill(r, { x: 0, y: 0 }, rule(3, 2)).w).toBe(0);
    expect(floodFill(r, { x: 0, y: 0 }, rule(1)).w).toBe(0);
    expect(floodFill(r, { x: 9, y: 0 }, rule(3)).w).toBe(0);
    expect(show(r)).toBe(text(`
      112
      112`));
  });

  it('fills a large region without recursion limits', () => {
    const r = createRaster(1500, 1500);
    floodFill(r, { x: 700, y: 700 }, rule(6));
    expect(r.data.every((v) => v === 6)).toBe(true);
  });
});
