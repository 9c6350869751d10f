import { describe, expect, it } from 'vitest';
import { createRaster } from '../../../src-renderer/editor/raster';
import { History } from '../../../src-renderer/editor/history/history';
import { rleDecode, rleEncode } from '../../../src-renderer/editor/history/rle';
import { rule } from '../../../src-renderer/editor/paint-rule';
import { paintStroke } from '../../../src-renderer/editor/ops/brush';
import { fillPolygon } from '../../../src-renderer/editor/ops/polygon';
import { floodFill } from '../../../src-renderer/editor/ops/flood-fill';
import { EditorDocument } from '../../../src-renderer/editor/document';
import { rng } from './grid';

/** Index of the first differing byte, -1 when equal (fast for the many comparisons below). */
function firstDiff(a: Uint8Array, b: Uint8Array | undefined): number {
  if (!b || a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('run-length coding', () => {
  it('round-trips runs longer than 256, single bytes and empty input', () => {
    const bytes = new Uint8Array(1000);
    bytes.fill(3, 10, 700);
    bytes[999] = 7;
    const enc = rleEncode(bytes);
    expect(enc.length).toBeLessThan(20);
    expect(rleDecode(enc, 1000)).toEqual(bytes);
    expect(rleDecode(rleEncode(new Uint8Array(0)), 0)).toEqual(new Uint8Array(0));
    const noisy = Uint8Array.from({ length: 300 }, (_, i) => i % 8);
    expect(rleDecode(rleEncode(noisy), 300)).toEqual(noisy);
  });

  it('refuses data of the wrong length', () => {
    expect(() => rleDecode(rleEncode(new Uint8Array(5)), 4)).toThrow(/overflows/);
    expect(() => rleDecode(rleEncode(new Uint8Array(3)), 4)).toThrow(/holds 3 bytes/);
  });
});

describe('history', () => {
  it('undo and redo restore the exact bytes after each of 250 random actions', () => {
    const r = createRaster(64, 48);
    const h = new History(r, 300);
    const rand = rng(7);
    const states: Uint8Array[] = [r.data.slice()];
    for (let k = 0; k < 250; k++) {
      const cls = Math.floor(rand() * 8);
      const p = () => ({ x: Math.floor(rand() * 70) - 3, y: Math.floor(rand() * 54) - 3 });
      const kind = k % 3;
      const rect =
        kind === 0
          ? paintStroke(r, [p(), p(), p()], 1 + Math.floor(rand() * 9), rule(cls))
          : kind === 1
            ? fillPolygon(r, [p(), p(), p(), p()], rule(cls, rand() < 0.3 ? Math.floor(rand() * 8) : null))
            : floodFill(r, p(), rule(cls));
      if (h.commit(rect, 'step')) states.push(r.data.slice());
      else expect(firstDiff(r.data, states.at(-1))).toBe(-1);
    }
    expect(h.undoCount).toBe(states.length - 1);
    expect(h.undoCount).toBeGreaterThanOrEqual(200);
    for (let k = states.length - 2; k >= 0; k--) {
      expect(h.undo()).not.toBeNull();
      expect(firstDiff(r.data, states[k])).toBe(-1);
    }
    expect(h.undo()).toBeNull();
    for (let k = 1; k < states.length; k++) {
      expect(h.redo()).not.toBeNull();
      expect(firstDiff(r.data, states[k])).toBe(-1);
    }
    expect(h.redo()).toBeNull();
  });

  it('keeps at most `capacity` steps, dropping the oldest', () => {
    const r = createRaster(10, 10);
    const h = new History(r, 200);
    for (let k = 0; k < 205; k++) {
      r.data[k % 100] = (r.data[k % 100]! + 1) % 8;
      h.commit({ x: 0, y: 0, w: 10, h: 10 }, `s${k}`);
    }
    expect(h.undoCount).toBe(200);
    while (h.undo());
    // The first five steps were forgotten, so undo stops after step 5.
    const expected = new Uint8Array(100);
    for (let k = 0; k < 5; k++) expected[k] = 1;
    expect(r.data).toEqual(expected);
  });

  it('stores only the changed pixels, skips no-op commits and clears redo on a new step', () => {
    const r = createRaster(100, 100);
    const h = new History(r);
    r.data[5 * 100 + 7] = 2;
    const step = h.commit({ x: 0, y: 0, w: 100, h: 100 }, 'dot');
    expect(step?.rect).toEqual({ x: 7, y: 5, w: 1, h: 1 });
    expect(h.commit({ x: 0, y: 0, w: 100, h: 100 }, 'nothing')).toBeNull();
    h.undo();
    expect(h.canRedo).toBe(true);
    r.data[0] = 1;
    h.commit({ x: 0, y: 0, w: 1, h: 1 }, 'other');
    expect(h.canRedo).toBe(false);
  });

  it('a whole 2048x2048 repaint costs kilobytes, not megabytes', () => {
    const r = createRaster(2048, 2048);
    const h = new History(r);
    r.data.fill(1);
    h.commit({ x: 0, y: 0, w: 2048, h: 2048 }, 'all');
    expect(h.storedBytes).toBeLessThan(100_000);
    h.undo();
    expect(r.data.every((v) => v === 0)).toBe(true);
  });

  it('revert puts back an uncommitted change', () => {
    const r = createRaster(8, 8);
    const h = new History(r);
    const rect = paintStroke(r, [{ x: 1, y: 1 }, { x: 6, y: 6 }], 3, rule(4));
    h.revert(rect);
    expect(r.data.every((v) => v === 0)).toBe(true);
  });
});

describe('editor document', () => {
  it('one stroke is one undo step however many pointer events it had', () => {
    const doc = new EditorDocument(50, 50, new Uint8Array(2500));
    doc.beginStroke({ x: 5, y: 5 }, { eraser: false, size: 5, cls: 1, lock: null });
    for (let x = 6; x < 40; x++) doc.strokeTo({ x, y: 5 + (x % 7) });
    doc.endStroke();
    expect(doc.history.undoCount).toBe(1);
    doc.undo();
    expect(doc.raster.data.every((v) => v === 0)).toBe(true);
  });

  it('tracks saved state: dirty after an edit, clean after save, clean again when undone to the save', () => {
    const doc = new EditorDocument(20, 20, new Uint8Array(400));
    expect(doc.dirty).toBe(false);
    expect(doc.fill({ x: 0, y: 0 }, 2, null)).toBe(true);
    expect(doc.dirty).toBe(true);
    doc.markSaved(doc.snapshot().stepId);
    expect(doc.dirty).toBe(false);
    doc.polygon([{ x: 1, y: 1 }, { x: 5, y: 1 }, { x: 5, y: 5 }], 3, null);
    expect(doc.dirty).toBe(true);
    doc.undo();
    expect(doc.dirty).toBe(false);
    doc.undo();
    expect(doc.dirty).toBe(true);
  });

  it('tells listeners which rectangle changed and cancels a stroke exactly', () => {
    const doc = new EditorDocument(30, 30, new Uint8Array(900));
    const seen: unknown[] = [];
    doc.onChange((r) => seen.push(r));
    doc.beginStroke({ x: 10, y: 10 }, { eraser: false, size: 1, cls: 6, lock: null });
    expect(seen).toEqual([{ x: 10, y: 10, w: 1, h: 1 }]);
    doc.strokeTo({ x: 12, y: 10 });
    doc.cancelStroke();
    expect(doc.raster.data.every((v) => v === 0)).toBe(true);
    expect(doc.history.undoCount).toBe(0);
    expect(doc.fill({ x: 0, y: 0 }, 0, null)).toBe(false);
  });

  it('refuses labels of the wrong size or with values above the last class', () => {
    expect(() => new EditorDocument(4, 4, new Uint8Array(15))).toThrow(/15 bytes, expected 4x4/);
    expect(() => new EditorDocument(2, 1, Uint8Array.from([0, 9]))).toThrow(/pixel 1,0 has class 9/);
  });
});
