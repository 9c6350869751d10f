// Flood fill: a click paints the connected region of the class under it (see ops/flood-fill.ts).
import { defineTool } from './tool';

export const fillTool = defineTool({
  id: 'fill',
  label: 'Fill',
  description: 'Flood fill a connected region',
  shortcut: 'f',
  icon: [{ d: 'M4 4h16v16H4z' }, { d: 'M4 13l9-9M4 20L20 4M11 20l9-9' }],
  options: ['lock'],
  ring: false,
  paintsClass: true,
  down(ctx, p) {
    if (ctx.doc.fill(p, ctx.cls, ctx.lock)) ctx.committed();
  },
});
