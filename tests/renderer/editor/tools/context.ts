// A ToolContext over a plain EditorDocument, as the editor store makes one, counting commits.
import { EditorDocument } from '../../../../src-renderer/editor/document';
import type { Point } from '../../../../src-renderer/editor/ops/brush';
import type { ToolContext } from '../../../../src-renderer/editor/tools/tool';

export interface TestContext extends ToolContext {
  commits: number;
}

export function testContext(doc: EditorDocument, settings: Partial<Pick<ToolContext, 'cls' | 'size' | 'lock' | 'scale'>> = {}): TestContext {
  let draft: readonly Point[] = [];
  const ctx: TestContext = {
    doc,
    cls: 1,
    size: 3,
    lock: null,
    scale: 1,
    ...settings,
    commits: 0,
    get draft() {
      return draft;
    },
    set draft(points) {
      draft = points;
    },
    committed() {
      ctx.commits++;
    },
  };
  return ctx;
}

export function blankDoc(width = 12, height = 10): EditorDocument {
  return new EditorDocument(width, height, new Uint8Array(width * height));
}
