// The polygon: clicks add vertices; Enter, a double-click or a click on the first vertex fills it
// (see ops/polygon.ts) as one undo step.
import type { Point } from '../ops/brush';
import { defineTool, type ToolContext } from './tool';

/** How near (in screen pixels) a click must be to the first vertex to close the polygon. */
const CLOSE_DISTANCE = 6;

function close(ctx: ToolContext): void {
  const pts = ctx.draft;
  ctx.draft = [];
  if (pts.length === 0) return;
  if (ctx.doc.polygon(pts, ctx.cls, ctx.lock)) ctx.committed();
}

function nearFirst(ctx: ToolContext, p: Point): boolean {
  const first = ctx.draft[0];
  if (!first || ctx.draft.length < 3) return false;
  return Math.abs(first.x - p.x) * ctx.scale <= CLOSE_DISTANCE && Math.abs(first.y - p.y) * ctx.scale <= CLOSE_DISTANCE;
}

export const polygonTool = defineTool({
  id: 'polygon',
  label: 'Polygon',
  description: 'Polygon: click vertices, Enter or double-click fills',
  shortcut: 'p',
  icon: [{ d: 'M12 3l9 6.5-3.5 10.5h-11L3 9.5z' }],
  options: ['lock'],
  ring: false,
  paintsClass: true,
  hint: 'Click vertices; Enter, double-click or the first vertex fills. ⌫ removes a vertex, Esc cancels.',
  keys: [
    { keys: ['Enter'], label: 'Close the polygon', applies: (ctx) => ctx.draft.length > 0, run: close },
    {
      keys: ['Backspace'],
      label: 'Remove the last polygon vertex',
      applies: (ctx) => ctx.draft.length > 0,
      run: (ctx) => {
        ctx.draft = ctx.draft.slice(0, -1);
      },
    },
  ],
  down(ctx, p) {
    if (nearFirst(ctx, p)) close(ctx);
    else ctx.draft = [...ctx.draft, p];
  },
  doubleClick: close,
});
