// Every editor tool, in toolbar order. The toolbar, the shortcut table and the canvas read this
// list: a new tool is its own file plus its entry here (the import and the list item).
import type { EditorTool } from './tool';
import { brushTool } from './brush';
import { eraserTool } from './eraser';
import { polygonTool } from './polygon';
import { fillTool } from './fill';

export const TOOLS = [brushTool, eraserTool, polygonTool, fillTool] as const;

export type ToolId = (typeof TOOLS)[number]['id'];

export function isToolId(id: unknown): id is ToolId {
  return TOOLS.some((t) => t.id === id);
}

export function toolById(id: ToolId): EditorTool<ToolId> {
  return TOOLS.find((t) => t.id === id)!;
}
