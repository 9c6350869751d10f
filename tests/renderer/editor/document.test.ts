import { describe, expect, it } from 'vitest';
import { EditorDocument } from '../../../src-renderer/editor/document';
import { EMPTY_RECT } from '../../../src-renderer/editor/rect';

describe('EditorDocument.apply', () => {
  it("records a tool's own pixel operation as one undo step and tells listeners; no change, no step", () => {
    const doc = new EditorDocument(4, 3, new Uint8Array(12));
    const seen: unknown[] = [];
    doc.onChange((rect) => seen.push(rect));
    expect(doc.apply('Nothing', () => EMPTY_RECT)).toBe(false);
    expect(doc.history.undoCount).toBe(0);
    const changed = doc.apply('Column', () => {
      for (let y = 0; y < 3; y++) doc.raster.data[y * 4 + 2] = 6;
      return { x: 2, y: 0, w: 1, h: 3 };
    });
    expect(changed).toBe(true);
    expect(seen).toEqual([{ x: 2, y: 0, w: 1, h: 3 }]);
    expect(doc.dirty).toBe(true);
    doc.undo();
    expect(Array.from(doc.raster.data)).toEqual(new Array(12).fill(0));
    doc.redo();
    expect(doc.classAt(2, 1)).toBe(6);
  });
});
