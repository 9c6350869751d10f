import { describe, expect, it } from 'vitest';
import { fillTool } from '../../../../src-renderer/editor/tools/fill';
import { blankDoc, testContext } from './context';

describe('fill tool', () => {
  it('a click floods the region within the class lock; a click that changes nothing commits nothing', () => {
    const doc = blankDoc(6, 4);
    doc.raster.data.fill(2, 0, 6);
    const ctx = testContext(doc, { cls: 5, lock: 0 });
    fillTool.down(ctx, { x: 3, y: 3 });
    expect(ctx.commits).toBe(1);
    expect(Array.from(doc.raster.data)).toEqual([...new Array(6).fill(2), ...new Array(18).fill(5)]);
    fillTool.down(ctx, { x: 0, y: 0 });
    expect(ctx.commits).toBe(1);
    expect(doc.history.undoCount).toBe(1);
  });
});
