import { describe, expect, it } from 'vitest';
import { CLASS_COLORS } from '../../../src-main/contract/classes';
import { OverlayRenderer } from '../../../src-renderer/editor/render/overlay';
import { acceptAll, acceptClass, summarize } from '../../../src-renderer/editor/proposal';
import { lockMask } from '../../../src-renderer/editor/paint-rule';
import { EditorDocument } from '../../../src-renderer/editor/document';
import { grid, show, text } from './grid';

function rgba(o: OverlayRenderer, x: number, y: number): number[] {
  const i = (y * o.raster.width + x) * 4;
  return Array.from(o.pixels.subarray(i, i + 4));
}

describe('overlay rendering', () => {
  it('gives each visible class its opaque colour and hidden classes full transparency', () => {
    const r = grid(`
      0123
      4567`);
    const o = new OverlayRenderer(r, { visible: 0xff & ~1 & ~(1 << 5), outline: false });
    o.renderAll();
    expect(rgba(o, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(rgba(o, 1, 0)).toEqual([...CLASS_COLORS[1]!, 255]);
    expect(rgba(o, 3, 1)).toEqual([...CLASS_COLORS[7]!, 255]);
    expect(rgba(o, 1, 1)).toEqual([0, 0, 0, 0]);
    // Only fully opaque or fully transparent pixels.
    for (let i = 3; i < o.pixels.length; i += 4) expect([0, 255]).toContain(o.pixels[i]);
  });

  it('outline mode draws exactly the pixels with a differently labelled 4-neighbour', () => {
    const r = grid(`
      00000
      01110
      01110
      01110
      00000`);
    const o = new OverlayRenderer(r, { visible: 0xfe, outline: true });
    o.renderAll();
    const drawn = Array.from({ length: 25 }, (_, i) => (o.pixels[i * 4 + 3] ? 1 : 0)).join('');
    expect(drawn).toBe('00000' + '01110' + '01010' + '01110' + '00000');
  });

  it('repaints only the changed rectangle (plus one pixel in outline mode)', () => {
    const r = grid(`
      000
      000
      000`);
    const o = new OverlayRenderer(r, { visible: 0xfe, outline: false });
    o.renderAll();
    r.data[4] = 2;
    r.data[0] = 3;
    expect(o.render({ x: 1, y: 1, w: 1, h: 1 })).toEqual({ x: 1, y: 1, w: 1, h: 1 });
    expect(rgba(o, 1, 1)[3]).toBe(255);
    expect(rgba(o, 0, 0)[3]).toBe(0);
    o.options.outline = true;
    expect(o.render({ x: 1, y: 1, w: 1, h: 1 })).toEqual({ x: 0, y: 0, w: 3, h: 3 });
  });

  it('hides pixels equal to a reference raster (proposal differences only)', () => {
    const current = grid(`
      11
      00`);
    const proposal = grid(`
      12
      03`);
    const o = new OverlayRenderer(proposal, { visible: 0xff, outline: false, hideEqualTo: current });
    o.renderAll();
    expect([0, 1, 2, 3].map((i) => o.pixels[i * 4 + 3])).toEqual([0, 255, 0, 255]);
  });
});

describe('proposals', () => {
  const current = `
    0011
    0131
    0111`;
  const proposal = `
    0111
    0133
    0313`;

  it('accept all takes every proposed pixel', () => {
    const r = grid(current);
    const rect = acceptAll(r, grid(proposal), lockMask(null));
    expect(show(r)).toBe(text(proposal));
    expect(rect).toEqual({ x: 1, y: 0, w: 3, h: 3 });
  });

  it('accept all under a class lock changes only pixels of that class', () => {
    const r = grid(current);
    acceptAll(r, grid(proposal), lockMask(0));
    expect(show(r)).toBe(text(`
      0111
      0131
      0111`));
  });

  it("accept one class makes that class's region exactly the proposal's and touches nothing else", () => {
    const r = grid(current);
    acceptClass(r, grid(proposal), 3);
    expect(show(r)).toBe(text(`
      0011
      0133
      0313`));
    const p = grid(proposal);
    for (let i = 0; i < r.data.length; i++) expect(r.data[i] === 3).toBe(p.data[i] === 3);
  });

  it('summarises gains and losses per class', () => {
    const s = summarize(grid(current), grid(proposal));
    expect(s.changed).toBe(4);
    expect(s.gained).toEqual([0, 1, 0, 3, 0, 0, 0, 0]);
    expect(s.lost).toEqual([1, 3, 0, 0, 0, 0, 0, 0]);
  });

  it('an accepted proposal is one undo step', () => {
    const r = grid(current);
    const doc = new EditorDocument(r.width, r.height, r.data.slice());
    expect(doc.acceptProposal(grid(proposal), null, null)).toBe(true);
    expect(show(doc.raster)).toBe(text(proposal));
    doc.undo();
    expect(show(doc.raster)).toBe(text(current));
  });

  it('refuses a proposal of another size', () => {
    expect(() => acceptAll(grid('00'), grid('0'), 0xff)).toThrow(/proposal is 1x1 but the mask is 2x1/);
  });
});
