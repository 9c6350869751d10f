// The canvas's image layer: the photo, the mask overlay and the model's proposal on one Konva
// layer (one canvas to composite per frame, which is what panning a 2048² image costs). The
// overlay and proposal are images of label rasters, redrawn per changed rectangle.
import Konva from 'konva';
import type { LabelRaster } from '../raster';
import type { Rect } from '../rect';
import { OverlayRenderer, type OverlayOptions } from './overlay';
import { RasterImage } from './raster-image';
import { photoAt } from './photo-levels';

const PROPOSAL_OPACITY = 0.8;

/** What the scene reads at each draw. */
export interface SceneLook {
  /** Screen pixels per raster pixel. */
  scale: number;
  /** Mask overlay on, and its opacity. */
  overlayOn: boolean;
  opacity: number;
}

export class ImageScene {
  readonly layer = new Konva.Layer({ listening: false });
  private mask: LabelRaster | null = null;
  private overlay: RasterImage | null = null;
  private proposal: RasterImage | null = null;
  private photo: HTMLImageElement | null = null;
  /** Halved copies of the photo (1/2, 1/4, …): zoomed out, the canvas samples a small one. */
  private photoLevels: ImageBitmap[] = [];

  constructor(private readonly look: () => SceneLook) {
    this.layer.add(new Konva.Shape({ listening: false, sceneFunc: (context) => this.draw(context._context) }));
  }

  /** The mask to show (its size is the scene's size); null shows nothing. */
  showMask(mask: LabelRaster | null, options: OverlayOptions): void {
    this.mask = mask;
    this.overlay = mask ? new RasterImage(new OverlayRenderer(mask, options)) : null;
  }

  setMaskOptions(options: OverlayOptions): void {
    if (!this.overlay) return;
    this.overlay.renderer.options = options;
    this.overlay.update(null);
    this.layer.batchDraw();
  }

  /** The proposal, drawn only where it differs from the mask, so agreement stays quiet. */
  showProposal(proposal: LabelRaster | null): void {
    this.proposal = proposal && this.mask ? new RasterImage(new OverlayRenderer(proposal, { visible: 0xff, outline: false, hideEqualTo: this.mask })) : null;
    this.layer.batchDraw();
  }

  /** The mask changed inside `rect`. */
  maskChanged(rect: Rect): void {
    this.overlay?.update(rect);
    this.proposal?.update(rect);
    this.layer.batchDraw();
  }

  /** The photo, stretched to the mask's size; its halved levels come later (or never). */
  setPhoto(photo: HTMLImageElement | null): void {
    this.photo = photo;
    this.setPhotoLevels([]);
  }

  setPhotoLevels(levels: ImageBitmap[]): void {
    for (const b of this.photoLevels) b.close();
    this.photoLevels = levels;
  }

  private draw(ctx: CanvasRenderingContext2D): void {
    const m = this.mask;
    if (!m) return;
    const { scale, overlayOn, opacity } = this.look();
    if (this.photo) {
      // Crisp photo pixels once they are big enough to see; smooth when zoomed out.
      ctx.imageSmoothingEnabled = scale < 2;
      ctx.drawImage(photoAt(this.photo, this.photoLevels, scale), 0, 0, m.width, m.height);
    }
    // Labels are never smoothed: each screen pixel shows exactly one class.
    ctx.imageSmoothingEnabled = false;
    if (this.overlay && overlayOn && opacity > 0) {
      ctx.globalAlpha = opacity;
      ctx.drawImage(this.overlay.source(scale), 0, 0, m.width, m.height);
    }
    if (this.proposal) {
      ctx.globalAlpha = PROPOSAL_OPACITY;
      ctx.drawImage(this.proposal.source(scale), 0, 0, m.width, m.height);
    }
    ctx.globalAlpha = 1;
  }
}
