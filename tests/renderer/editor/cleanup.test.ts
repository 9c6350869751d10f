import { describe, expect, it } from 'vitest';
import { rule } from '../../../src-renderer/editor/paint-rule';
import { fillHoles } from '../../../src-renderer/editor/ops/fill-holes';
import { removeSpecks } from '../../../src-renderer/editor/ops/remove-specks';
import { labelComponents } from '../../../src-renderer/editor/ops/components';
import { grid, show, text } from './grid';

describe('connected components', () => {
  it('labels 4-connected regions per class with area and border contact', () => {
    const r = grid(`
      1100
      1022
      0022`);
    const c = labelComponents(r, 0b110, true);
    expect(c.count).toBe(2);
    expect(c.area).toEqual([3, 4]);
    expect(c.border).toEqual([true, true]);
    expect(Array.from(c.labels)).toEqual([0, 0, -1, -1, 0, -1, 1, 1, -1, -1, 1, 1]);
  });
});

describe('fill holes', () => {
  const skinWithHoles = `
    0000000000
    0111111110
    0100111110
    0100113110
    0111111110
    0111100010
    0111100010
    0111111110
    0000000000`;

  it('fills enclosed regions up to the size, of any class when unlocked', () => {
    // Inside the skin: a 4-px background hole, a 1-px eye island and a 6-px background hole.
    const r = grid(skinWithHoles);
    const rect = fillHoles(r, rule(1), { maxArea: 4 });
    expect(show(r)).toBe(text(`
      0000000000
      0111111110
      0111111110
      0111111110
      0111111110
      0111100010
      0111100010
      0111111110
      0000000000`));
    expect(rect).toEqual({ x: 2, y: 2, w: 5, h: 2 });
  });

  it('a region touching another class is not a hole of this class', () => {
    const r = grid(`
      11111
      10311
      11111`);
    fillHoles(r, rule(1, 0), { maxArea: 10 });
    expect(show(r)).toBe(text(`
      11111
      10311
      11111`));
    // Unlocked, background and eye together form one enclosed 2-px region.
    fillHoles(r, rule(1), { maxArea: 10 });
    expect(show(r)).toBe(text(`
      11111
      11111
      11111`));
  });

  it('with a background lock, fills background holes but never an eye', () => {
    const r = grid(skinWithHoles);
    fillHoles(r, rule(1, 0), { maxArea: 10 });
    expect(show(r)).toBe(text(`
      0000000000
      0111111110
      0111111110
      0111113110
      0111111110
      0111111110
      0111111110
      0111111110
      0000000000`));
  });

  it('leaves regions that reach the image edge', () => {
    const r = grid(`
      1101
      1111`);
    expect(fillHoles(r, rule(1), { maxArea: 10 }).w).toBe(0);
    expect(show(r)).toBe(text(`
      1101
      1111`));
  });
});

describe('remove specks', () => {
  it('replaces islands smaller than the size with the class around them', () => {
    const r = grid(`
      111111
      131111
      111155
      111155`);
    const rect = removeSpecks(r, { minArea: 2, classes: 0xff });
    expect(show(r)).toBe(text(`
      111111
      111111
      111155
      111155`));
    expect(rect).toEqual({ x: 1, y: 1, w: 1, h: 1 });
  });

  it('only touches the chosen classes and keeps islands at the size', () => {
    const r = grid(`
      11111111
      13111211
      13111111`);
    removeSpecks(r, { minArea: 2, classes: 1 << 2 });
    expect(show(r)).toBe(text(`
      11111111
      13111111
      13111111`));
  });

  it('votes by the most common neighbour class, ties to the lower class', () => {
    const r = grid(`
      2222
      2544
      4444`);
    removeSpecks(r, { minArea: 2, classes: 1 << 5 });
    // Neighbours of the 5: 2 (up), 2 (left), 4 (right), 4 (down): a tie, so 2.
    expect(show(r)).toBe(text(`
      2222
      2244
      4444`));
  });

  it('decides neighbouring specks on the original mask, from solid neighbours', () => {
    const r = grid(`
      11111
      12311
      11111`);
    removeSpecks(r, { minArea: 2, classes: 0xff });
    expect(show(r)).toBe(text(`
      11111
      11111
      11111`));
  });
});
