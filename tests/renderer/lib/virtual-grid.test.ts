import { describe, expect, it } from 'vitest';
import { gridWindow } from '../../../src-renderer/lib/virtual-grid';

const base = { width: 1000, height: 600, cellW: 170, cellH: 200, overscanRows: 2 };

describe('virtual grid window', () => {
  it('renders only the rows around the viewport of 10,000 images', () => {
    const w = gridWindow({ ...base, total: 10_000, scrollTop: 0 });
    expect(w.columns).toBe(5);
    expect(w.rows).toBe(2000);
    expect([w.first, w.end]).toEqual([0, 25]); // 3 visible rows + 2 overscan
    const mid = gridWindow({ ...base, total: 10_000, scrollTop: 200 * 1000 + 50 });
    expect([mid.first, mid.end]).toEqual([998 * 5, 1006 * 5]);
    expect(mid.end - mid.first).toBeLessThan(50);
  });

  it('clamps at the end and for tiny or empty lists', () => {
    const end = gridWindow({ ...base, total: 10_000, scrollTop: 2000 * 200 });
    expect(end.end).toBe(10_000);
    expect(gridWindow({ ...base, total: 3, scrollTop: 0 })).toEqual({ columns: 5, rows: 1, first: 0, end: 3 });
    expect(gridWindow({ ...base, total: 0, scrollTop: 0 })).toEqual({ columns: 5, rows: 0, first: 0, end: 0 });
    expect(gridWindow({ ...base, width: 50, total: 10, scrollTop: 0 }).columns).toBe(1);
  });
});
