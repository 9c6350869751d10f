import { describe, expect, it } from 'vitest';
import { rule } from '../../../../src-renderer/editor/paint-rule';
import { paintStroke } from '../../../../src-renderer/editor/ops/brush';
import { eraserRule } from '../../../../src-renderer/editor/ops/eraser';
import { createRaster } from '../../../../src-renderer/editor/raster';
import { brushTool } from '../../../../src-renderer/editor/tools/brush';
import { eraserTool } from '../../../../src-renderer/editor/tools/eraser';
import { blankDoc, testContext } from './context';

const path = [{ x: 2, y: 2 }, { x: 6, y: 3 }, { x: 9, y: 7 }];

describe('brush and eraser tools', () => {
  it('brush: a drag paints the capsules along the path as one undo step, committed on up', () => {
    const doc = blankDoc();
    const ctx = testContext(doc, { cls: 4, size: 3 });
    expect(brushTool.down(ctx, path[0]!)).toBe('drag');
    brushTool.move!(ctx, path.slice(1, 2));
    brushTool.move!(ctx, path.slice(2));
    expect(ctx.commits).toBe(0);
    brushTool.up!(ctx);
    expect(ctx.commits).toBe(1);
    expect(doc.history.undoCount).toBe(1);
    const expected = createRaster(12, 10);
    paintStroke(expected, path, 3, rule(4));
    expect(Array.from(doc.raster.data)).toEqual(Array.from(expected.data));
  });

  it('eraser: paints background with the class lock, whatever class is picked', () => {
    const doc = blankDoc();
    doc.raster.data.fill(2);
    doc.raster.data.fill(5, 0, 30);
    const ctx = testContext(doc, { cls: 4, size: 5, lock: 2 });
    eraserTool.down(ctx, { x: 1, y: 1 });
    eraserTool.move!(ctx, [{ x: 8, y: 6 }]);
    eraserTool.up!(ctx);
    const expected = createRaster(12, 10);
    expected.data.fill(2);
    expected.data.fill(5, 0, 30);
    paintStroke(expected, [{ x: 1, y: 1 }, { x: 8, y: 6 }], 5, eraserRule(2));
    expect(Array.from(doc.raster.data)).toEqual(Array.from(expected.data));
    expect(doc.raster.data.subarray(0, 30).every((v) => v === 5)).toBe(true);
  });

  it('a cancelled drag leaves the document as it was, with nothing committed', () => {
    const doc = blankDoc();
    const ctx = testContext(doc);
    brushTool.down(ctx, path[0]!);
    brushTool.move!(ctx, path.slice(1));
    brushTool.cancel!(ctx);
    expect(doc.raster.data.every((v) => v === 0)).toBe(true);
    expect(doc.history.undoCount).toBe(0);
    expect(ctx.commits).toBe(0);
  });
});
