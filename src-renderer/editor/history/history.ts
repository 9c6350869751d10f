// Undo/redo for one image. Each step is one stroke or action, stored as the changed rectangle's
// bytes before and after (run-length coded). A shadow copy of the raster as of the last step
// lets a step be cut out after the fact: tools just paint, then `commit` diffs the rectangle
// they report against the shadow.
import { readRect, writeRect, type LabelRaster } from '../raster';
import { BoundsAccumulator, isEmpty, type Rect } from '../rect';
import { rleDecode, rleEncode } from './rle';

export const DEFAULT_HISTORY_STEPS = 500;

export interface HistoryStep {
  readonly id: number;
  readonly label: string;
  readonly rect: Rect;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

export class History {
  private shadow: Uint8Array;
  private undoStack: HistoryStep[] = [];
  private redoStack: HistoryStep[] = [];
  private nextId = 1;

  constructor(
    private readonly raster: LabelRaster,
    readonly capacity = DEFAULT_HISTORY_STEPS,
  ) {
    if (capacity < 1) throw new Error(`history needs at least one step, got ${capacity}`);
    this.shadow = raster.data.slice();
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoCount(): number {
    return this.undoStack.length;
  }

  get redoCount(): number {
    return this.redoStack.length;
  }

  /** Id of the step the raster currently reflects (0 = the state history started from). */
  get currentId(): number {
    return this.undoStack.at(-1)?.id ?? 0;
  }

  /** Encoded bytes held by all steps. */
  get storedBytes(): number {
    let n = 0;
    for (const s of [...this.undoStack, ...this.redoStack]) n += s.before.length + s.after.length;
    return n;
  }

  /**
   * Records everything that changed inside `rect` since the last step as one step.
   * Returns null when nothing changed (a click that painted over its own class).
   */
  commit(rect: Rect, label: string): HistoryStep | null {
    const exact = this.diffBounds(rect);
    if (isEmpty(exact)) return null;
    const before = this.readShadow(exact);
    const after = readRect(this.raster, exact);
    this.writeShadow(exact, after);
    const step: HistoryStep = { id: this.nextId++, label, rect: exact, before: rleEncode(before), after: rleEncode(after) };
    this.undoStack.push(step);
    if (this.undoStack.length > this.capacity) this.undoStack.shift();
    this.redoStack = [];
    return step;
  }

  /** Puts back the last recorded state inside `rect` (a stroke cancelled before commit). */
  revert(rect: Rect): void {
    if (isEmpty(rect)) return;
    writeRect(this.raster, rect, this.readShadow(rect));
  }

  undo(): HistoryStep | null {
    const step = this.undoStack.pop();
    if (!step) return null;
    this.apply(step.rect, rleDecode(step.before, step.rect.w * step.rect.h));
    this.redoStack.push(step);
    return step;
  }

  redo(): HistoryStep | null {
    const step = this.redoStack.pop();
    if (!step) return null;
    this.apply(step.rect, rleDecode(step.after, step.rect.w * step.rect.h));
    this.undoStack.push(step);
    return step;
  }

  /** Forgets every step and takes the raster as it is now as the starting point. */
  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.shadow = this.raster.data.slice();
  }

  private apply(rect: Rect, bytes: Uint8Array): void {
    writeRect(this.raster, rect, bytes);
    this.writeShadow(rect, bytes);
  }

  private diffBounds(rect: Rect): Rect {
    const { width, data } = this.raster;
    const bounds = new BoundsAccumulator();
    for (let y = rect.y; y < rect.y + rect.h; y++) {
      let first = -1;
      let last = -1;
      for (let x = rect.x, i = y * width + rect.x; x < rect.x + rect.w; x++, i++) {
        if (data[i] !== this.shadow[i]) {
          if (first < 0) first = x;
          last = x;
        }
      }
      if (first >= 0) bounds.addRow(y, first, last);
    }
    return bounds.rect();
  }

  private readShadow(rect: Rect): Uint8Array {
    return readRect({ width: this.raster.width, height: this.raster.height, data: this.shadow }, rect);
  }

  private writeShadow(rect: Rect, bytes: Uint8Array): void {
    writeRect({ width: this.raster.width, height: this.raster.height, data: this.shadow }, rect, bytes);
  }
}
