// Which cells of a fixed-size grid a scrolled viewport needs: the gallery renders only these.

export interface GridWindow {
  columns: number;
  rows: number;
  /** Index range [first, end) of the items to render. */
  first: number;
  end: number;
}

export function gridWindow(options: {
  total: number;
  width: number;
  height: number;
  scrollTop: number;
  cellW: number;
  cellH: number;
  overscanRows: number;
}): GridWindow {
  const { total, width, height, scrollTop, cellW, cellH, overscanRows } = options;
  const columns = Math.max(1, Math.floor(width / cellW));
  const rows = Math.ceil(total / columns);
  const firstRow = Math.max(0, Math.floor(scrollTop / cellH) - overscanRows);
  const lastRow = Math.min(rows, Math.ceil((scrollTop + height) / cellH) + overscanRows);
  return { columns, rows, first: Math.min(total, firstRow * columns), end: Math.min(total, Math.max(firstRow, lastRow) * columns) };
}
