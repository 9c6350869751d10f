// Turns the label raster into RGBA pixels for display, one changed rectangle at a time. Every
// pixel is either fully a class colour or fully transparent: the overlay's opacity is applied by
// the canvas layer, so the mask itself never holds blended values.
import { CLASS_COLORS, NUM_CLASSES } from '@contract/classes';
import { clip, grow, isEmpty, type Rect } from '../rect';
import type { LabelRaster } from '../raster';

export interface OverlayOptions {
  /** Bitmask of classes drawn; background (bit 0) is usually off. */
  visible: number;
  /** Draw only the pixels on a class boundary. */
  outline: boolean;
  /** When set, pixels equal to this raster are left transparent (a proposal's differences). */
  hideEqualTo?: LabelRaster | null;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Class colours packed as one uint32 in the platform's byte order (RGBA in memory). */
export function packedColors(colors: readonly (readonly [number, number, number])[] = CLASS_COLORS): Uint32Array {
  const out = new Uint32Array(NUM_CLASSES);
  colors.forEach(([r, g, b], i) => {
    out[i] = littleEndian ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
  });
  return out;
}

export class OverlayRenderer {
  /** RGBA, width*height*4: wrap in an ImageData to draw. */
  readonly pixels: Uint8ClampedArray;
  private readonly words: Uint32Array;
  private readonly colors: Uint32Array;

  constructor(
    readonly raster: LabelRaster,
    public options: OverlayOptions,
    colors: readonly (readonly [number, number, number])[] = CLASS_COLORS,
  ) {
    this.pixels = new Uint8ClampedArray(raster.width * raster.height * 4);
    this.words = new Uint32Array(this.pixels.buffer);
    this.colors = packedColors(colors);
  }

  renderAll(): Rect {
    return this.render({ x: 0, y: 0, w: this.raster.width, h: this.raster.height });
  }

  /**
   * Repaints what `changed` affects and returns that area (outline mode reaches one pixel
   * further, since a neighbour's boundary status depends on the changed pixels).
   */
  render(changed: Rect): Rect {
    const { width, height, data } = this.raster;
    const { visible, outline } = this.options;
    const hide = this.options.hideEqualTo?.data ?? null;
    const area = clip(outline ? grow(changed, 1) : changed, width, height);
    if (isEmpty(area)) return area;
    const words = this.words;
    const colors = this.colors;
    for (let y = area.y; y < area.y + area.h; y++) {
      let i = y * width + area.x;
      for (let x = area.x; x < area.x + area.w; x++, i++) {
        const c = data[i]!;
        let show = (visible & (1 << c)) !== 0 && (hide === null || hide[i] !== c);
        if (show && outline) {
          show =
            (x > 0 && data[i - 1] !== c) ||
            (x < width - 1 && data[i + 1] !== c) ||
            (y > 0 && data[i - width] !== c) ||
            (y < height - 1 && data[i + width] !== c);
        }
        words[i] = show ? colors[c]! : 0;
      }
    }
    return area;
  }
}
