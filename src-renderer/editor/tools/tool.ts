// What an editor tool is: its button, its key, the options it uses and what it does with the
// pointer. The toolbar, the shortcut table and the canvas read these objects (listed in
// ./index.ts) and know nothing of any particular tool.
import type { EditorDocument } from '../document';
import type { Point } from '../ops/brush';
import type { Icon } from '../../lib/icon';

/** What a tool may read and do while it handles an event; made fresh for each event. */
export interface ToolContext {
  readonly doc: EditorDocument;
  /** The class painted, the brush size and the class lock ("paint only over"), as set now. */
  readonly cls: number;
  readonly size: number;
  readonly lock: number | null;
  /** Screen pixels per raster pixel, for hit tests measured on screen. */
  readonly scale: number;
  /** Points of an edit in progress (polygon vertices): the canvas draws them as a dashed path to the cursor. */
  draft: readonly Point[];
  /** Tells the editor that the document committed an undo step (undo state, autosave). */
  committed(): void;
}

/** A key that means something while this tool is active (listed in the shortcut sheet). */
export interface ToolKey {
  /** `KeyboardEvent.key` values. */
  keys: string[];
  label: string;
  /** False leaves the key to the page (Enter on a focused button) when there is nothing to do. */
  applies(ctx: ToolContext): boolean;
  run(ctx: ToolContext): void;
}

/** Settings the toolbar shows while the tool is active. */
export type ToolOption = 'size' | 'lock';

export interface EditorTool<Id extends string = string> {
  readonly id: Id;
  /** The toolbar button's text. */
  readonly label: string;
  /** The shortcut sheet's line. */
  readonly description: string;
  /** The `KeyboardEvent.key` (a letter) that selects the tool. */
  readonly shortcut: string;
  readonly icon: Icon;
  readonly options: readonly ToolOption[];
  /** A ring of the brush size follows the pointer; otherwise a crosshair. */
  readonly ring: boolean;
  /**
   * False for a tool that writes a fixed class (the eraser): the palette shows no class as
   * current, and picking one switches to the brush.
   */
  readonly paintsClass: boolean;
  /** How to use it, under the toolbar. */
  readonly hint?: string;
  readonly keys?: readonly ToolKey[];
  /** Primary button down on raster pixel `p`; 'drag' asks for this pointer's move/up/cancel. */
  down(ctx: ToolContext, p: Point): 'drag' | void;
  /** While dragging: the pointer's path since the last call, in order (coalesced events). */
  move?(ctx: ToolContext, path: readonly Point[]): void;
  up?(ctx: ToolContext): void;
  /** The drag was interrupted (pointercancel): leave the document as it was before it. */
  cancel?(ctx: ToolContext): void;
  doubleClick?(ctx: ToolContext): void;
}

/** Keeps the literal id, so the index can derive the union of tool ids. */
export function defineTool<const Id extends string>(tool: EditorTool<Id>): EditorTool<Id> {
  return tool;
}
