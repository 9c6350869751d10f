import { describe, expect, it } from 'vitest';
import { EditorDocument } from '../../../../src-renderer/editor/document';
import { polygonTool } from '../../../../src-renderer/editor/tools/polygon';
import type { ToolKey } from '../../../../src-renderer/editor/tools/tool';
import { blankDoc, testContext } from './context';

const square = [{ x: 2, y: 2 }, { x: 9, y: 2 }, { x: 9, y: 7 }];

function key(name: string): ToolKey {
  return polygonTool.keys!.find((k) => k.keys.includes(name))!;
}

function expectedPolygon(points: typeof square, cls: number): Uint8Array {
  const doc = blankDoc();
  doc.polygon(points, cls, null);
  return doc.raster.data;
}

describe('polygon tool', () => {
  it('clicks add vertices; a click on the first vertex (within 6 screen px) fills and commits once', () => {
    const doc = blankDoc();
    const ctx = testContext(doc, { cls: 3, scale: 2 });
    for (const p of square) expect(polygonTool.down(ctx, p)).toBeUndefined();
    expect(ctx.draft).toEqual(square);
    expect(doc.raster.data.every((v) => v === 0)).toBe(true);
    // 4 raster px at scale 2 is 8 screen px from the first vertex: another vertex.
    polygonTool.down(ctx, { x: 6, y: 5 });
    expect(ctx.draft).toHaveLength(4);
    ctx.draft = square;
    // 3 raster px at scale 2 is 6 screen px: the first vertex, which closes the polygon.
    polygonTool.down(ctx, { x: 5, y: 5 });
    expect(ctx.draft).toEqual([]);
    expect(ctx.commits).toBe(1);
    expect(Array.from(doc.raster.data)).toEqual(Array.from(expectedPolygon(square, 3)));
  });

  it('Enter and a double-click close; Backspace drops the last vertex; keys apply only with vertices', () => {
    const doc = blankDoc();
    const ctx = testContext(doc, { cls: 6 });
    expect(key('Enter').applies(ctx)).toBe(false);
    expect(key('Backspace').applies(ctx)).toBe(false);
    for (const p of [...square, { x: 2, y: 9 }]) polygonTool.down(ctx, p);
    expect(key('Backspace').applies(ctx)).toBe(true);
    key('Backspace').run(ctx);
    expect(ctx.draft).toEqual(square);
    key('Enter').run(ctx);
    expect(ctx.draft).toEqual([]);
    expect(ctx.commits).toBe(1);
    expect(Array.from(doc.raster.data)).toEqual(Array.from(expectedPolygon(square, 6)));

    const other = new EditorDocument(12, 10, new Uint8Array(120));
    const c2 = testContext(other, { cls: 6 });
    for (const p of square) polygonTool.down(c2, p);
    polygonTool.doubleClick!(c2);
    expect(Array.from(other.raster.data)).toEqual(Array.from(expectedPolygon(square, 6)));
  });
});
