// A label raster on an offscreen canvas, kept in step per changed rectangle, plus a
// half-resolution canvas for zoomed-out views of large masks (see half-level.ts).
import type { OverlayRenderer } from './overlay';
import { createHalfLevel, updateHalfLevel, type HalfLevel } from './half-level';
import type { Rect } from '../rect';

/** Masks at least this wide or high get a half-resolution level. */
const HALF_LEVEL_FROM = 1024;

function canvasOf(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return { canvas, ctx: canvas.getContext('2d')! };
}

export class RasterImage {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly image: ImageData;
  private readonly half: { level: HalfLevel; canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; image: ImageData } | null = null;

  constructor(readonly renderer: OverlayRenderer) {
    const { width, height } = renderer.raster;
    ({ canvas: this.canvas, ctx: this.ctx } = canvasOf(width, height));
    this.image = new ImageData(renderer.pixels as Uint8ClampedArray<ArrayBuffer>, width, height);
    if (width >= HALF_LEVEL_FROM || height >= HALF_LEVEL_FROM) {
      const level = createHalfLevel(width, height);
      const { canvas, ctx } = canvasOf(level.width, level.height);
      this.half = { level, canvas, ctx, image: new ImageData(level.pixels as Uint8ClampedArray<ArrayBuffer>, level.width, level.height) };
    }
    this.update(null);
  }

  /** Re-renders `rect` (everything when null) and copies just that area to the canvases. */
  update(rect: Rect | null): void {
    const area = rect ? this.renderer.render(rect) : this.renderer.renderAll();
    if (area.w <= 0) return;
    this.ctx.putImageData(this.image, 0, 0, area.x, area.y, area.w, area.h);
    const half = this.half;
    if (!half) return;
    const h = updateHalfLevel(half.level, this.renderer.pixels, this.renderer.raster.width, area);
    if (h.w > 0) half.ctx.putImageData(half.image, 0, 0, h.x, h.y, h.w, h.h);
  }

  /**
   * The canvas to draw at this zoom. Below 1/2 the canvas shows at most one of every 2x2 pixels
   * either way; outlines keep full resolution, since halving would break 1-px lines.
   */
  source(scale: number): HTMLCanvasElement {
    return this.half && scale < 0.5 && !this.renderer.options.outline ? this.half.canvas : this.canvas;
  }
}
