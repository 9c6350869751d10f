// The drag handlers shared by the brush and the eraser: a stroke is one undo step from pointer
// down to pointer up, and a cancelled pointer restores its pixels.
import type { EditorTool } from './tool';

export function strokeHandlers(eraser: boolean): Pick<EditorTool, 'down' | 'move' | 'up' | 'cancel'> {
  return {
    down(ctx, p) {
      ctx.doc.beginStroke(p, { eraser, size: ctx.size, cls: ctx.cls, lock: ctx.lock });
      return 'drag';
    },
    move(ctx, path) {
      for (const p of path) ctx.doc.strokeTo(p);
    },
    up(ctx) {
      ctx.doc.endStroke();
      ctx.committed();
    },
    cancel(ctx) {
      ctx.doc.cancelStroke();
    },
  };
}
