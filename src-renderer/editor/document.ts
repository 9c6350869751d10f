// One image's mask being edited: the raster, its history and every tool as an action that
// becomes exactly one undo step. Views subscribe to changed rectangles; stores read `dirty`.
// Plain TypeScript so the same code runs in unit tests, the benchmark and the e2e expectations.
import { rasterFrom, type LabelRaster } from './raster';
import { isEmpty, type Rect } from './rect';
import { History, DEFAULT_HISTORY_STEPS } from './history/history';
import { rule as makeRule, lockMask, ANY_CLASS } from './paint-rule';
import { BrushStroke, type Point } from './ops/brush';
import { eraserRule } from './ops/eraser';
import { fillPolygon } from './ops/polygon';
import { floodFill } from './ops/flood-fill';
import { fillHoles } from './ops/fill-holes';
import { removeSpecks } from './ops/remove-specks';
import { acceptAll, acceptClass } from './proposal';

export type ChangeListener = (rect: Rect) => void;

export interface StrokeOptions {
  eraser: boolean;
  size: number;
  cls: number;
  lock: number | null;
}

export class EditorDocument {
  readonly raster: LabelRaster;
  readonly history: History;
  private stroke: BrushStroke | null = null;
  private strokeLabel = '';
  private savedId = 0;
  private listeners = new Set<ChangeListener>();

  constructor(width: number, height: number, labels: Uint8Array, historySteps = DEFAULT_HISTORY_STEPS) {
    this.raster = rasterFrom(width, height, labels);
    this.history = new History(this.raster, historySteps);
  }

  get width(): number {
    return this.raster.width;
  }

  get height(): number {
    return this.raster.height;
  }

  /** True when the raster differs from what was last saved (undoing back to it counts as clean). */
  get dirty(): boolean {
    return this.history.currentId !== this.savedId || this.stroke !== null;
  }

  get stroking(): boolean {
    return this.stroke !== null;
  }

  /** The history step id that was saved; call after a successful save of `snapshot()`. */
  markSaved(stepId = this.history.currentId): void {
    this.savedId = stepId;
  }

  /** A copy of the labels for saving, with the history step it reflects. */
  snapshot(): { labels: Uint8Array<ArrayBuffer>; stepId: number } {
    return { labels: this.raster.data.slice(), stepId: this.history.currentId };
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  classAt(x: number, y: number): number | null {
    const px = Math.floor(x);
    const py = Math.floor(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return null;
    return this.raster.data[py * this.width + px]!;
  }

  beginStroke(at: Point, options: StrokeOptions): void {
    if (this.stroke) this.endStroke();
    const paint = options.eraser ? eraserRule(options.lock) : makeRule(options.cls, options.lock);
    this.stroke = new BrushStroke(this.raster, options.size, paint);
    this.strokeLabel = options.eraser ? 'Erase' : 'Brush';
    this.emit(this.stroke.to(at));
  }

  strokeTo(p: Point): void {
    if (!this.stroke) return;
    this.emit(this.stroke.to(p));
  }

  /** Ends the stroke as one undo step. */
  endStroke(): void {
    const stroke = this.stroke;
    if (!stroke) return;
    this.stroke = null;
    this.history.commit(stroke.changed, this.strokeLabel);
  }

  /** Drops the stroke in progress, restoring its pixels. */
  cancelStroke(): void {
    const stroke = this.stroke;
    if (!stroke) return;
    this.stroke = null;
    this.history.revert(stroke.changed);
    this.emit(stroke.changed);
  }

  polygon(points: readonly Point[], cls: number, lock: number | null): boolean {
    return this.apply('Polygon', () => fillPolygon(this.raster, points, makeRule(cls, lock)));
  }

  fill(at: Point, cls: number, lock: number | null): boolean {
    return this.apply('Fill', () => floodFill(this.raster, at, makeRule(cls, lock)));
  }

  fillHoles(cls: number, lock: number | null, maxArea: number): boolean {
    return this.apply('Fill holes', () => fillHoles(this.raster, makeRule(cls, lock), { maxArea }));
  }

  /** `cls` null: specks of every class. */
  removeSpecks(cls: number | null, minArea: number): boolean {
    return this.apply('Remove specks', () => removeSpecks(this.raster, { minArea, classes: cls === null ? ANY_CLASS : 1 << cls }));
  }

  acceptProposal(proposal: LabelRaster, cls: number | null, lock: number | null): boolean {
    return this.apply(cls === null ? 'Accept proposal' : 'Accept proposal class', () =>
      cls === null ? acceptAll(this.raster, proposal, lockMask(lock)) : acceptClass(this.raster, proposal, cls),
    );
  }

  undo(): boolean {
    if (this.stroke) this.endStroke();
    const step = this.history.undo();
    if (step) this.emit(step.rect);
    return step !== null;
  }

  redo(): boolean {
    if (this.stroke) this.endStroke();
    const step = this.history.redo();
    if (step) this.emit(step.rect);
    return step !== null;
  }

  /**
   * Runs an edit that writes the raster and returns the rectangle it changed; records it as one
   * undo step and tells listeners. False when it changed nothing. Tools with a pixel operation of
   * their own call this; the methods above are the built-in ones.
   */
  apply(label: string, run: () => Rect): boolean {
    if (this.stroke) this.endStroke();
    const rect = run();
    if (isEmpty(rect)) return false;
    this.history.commit(rect, label);
    this.emit(rect);
    return true;
  }

  private emit(rect: Rect): void {
    if (isEmpty(rect)) return;
    for (const l of this.listeners) l(rect);
  }
}
