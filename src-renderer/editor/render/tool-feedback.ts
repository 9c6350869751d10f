// The tools' feedback on the canvas: the brush ring at the pointer, and the draft path (vertices
// in progress plus a rubber band to the pointer). Konva only; the editor store says what to show.
import Konva from 'konva';
import type { Point } from '../ops/brush';

/** Radius of a draft vertex, in screen pixels. */
const VERTEX_RADIUS = 4;

export class ToolFeedback {
  readonly layer = new Konva.Layer({ listening: false });
  private readonly ring = new Konva.Circle({ radius: 1, stroke: '#ffffff', strokeWidth: 1.5, strokeScaleEnabled: false, visible: false, shadowColor: '#000', shadowBlur: 2, shadowForStrokeEnabled: true });
  private readonly path = new Konva.Line({ points: [], stroke: '#ffffff', strokeWidth: 1.5, dash: [6, 4], strokeScaleEnabled: false, closed: false });
  private readonly vertices = new Konva.Group();
  private draftShown = false;

  constructor() {
    this.layer.add(this.path, this.vertices, this.ring);
  }

  /** The ring of a brush `size` pixels wide around raster pixel `at`; null hides it. */
  showRing(at: Point | null, size: number, color: string): void {
    this.ring.visible(at !== null);
    if (at) {
      this.ring.position({ x: at.x + 0.5, y: at.y + 0.5 });
      this.ring.radius(Math.max(0.5, size / 2));
      this.ring.stroke(color);
    }
    this.sync();
  }

  /** The draft's vertices and the path through them to the pointer (when there is one). */
  showDraft(points: readonly Point[], pointer: Point | null, color: string, scale: number): void {
    const flat = points.flatMap((p) => [p.x + 0.5, p.y + 0.5]);
    if (points.length > 0 && pointer) flat.push(pointer.x + 0.5, pointer.y + 0.5);
    this.path.points(flat);
    this.path.stroke(color);
    this.vertices.destroyChildren();
    const r = VERTEX_RADIUS / scale;
    for (const p of points) {
      this.vertices.add(new Konva.Circle({ x: p.x + 0.5, y: p.y + 0.5, radius: r, fill: color, stroke: '#fff', strokeWidth: 1, strokeScaleEnabled: false }));
    }
    this.draftShown = points.length > 0;
    this.sync();
  }

  /** An empty feedback layer is hidden, so panning composites one canvas, not two. */
  private sync(): void {
    this.layer.visible(this.ring.visible() || this.draftShown);
    this.layer.batchDraw();
  }
}
