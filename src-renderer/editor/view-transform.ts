// The canvas view as plain numbers: screen = raster * scale + offset. Zoom keeps the raster point
// under the cursor fixed; pointer positions map to the pixel whose square contains them.
// No Konva here, so the e2e test and the benchmark use the very same mapping.

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 64;

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

/** The raster pixel under a stage point (may lie outside the raster). */
export function screenToRaster(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: Math.floor((sx - view.x) / view.scale), y: Math.floor((sy - view.y) / view.scale) };
}

/** The stage point at the centre of a raster pixel. */
export function rasterToScreen(view: View, px: number, py: number): { x: number; y: number } {
  return { x: (px + 0.5) * view.scale + view.x, y: (py + 0.5) * view.scale + view.y };
}

/** Zooms by `factor` around the stage point (sx, sy). */
export function zoomAt(view: View, factor: number, sx: number, sy: number): View {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, x: sx - (sx - view.x) * k, y: sy - (sy - view.y) * k };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, x: view.x + dx, y: view.y + dy };
}

/** The whole image centred in the stage with a margin. */
export function fitView(imageW: number, imageH: number, stageW: number, stageH: number, margin = 16): View {
  const scale = clampScale(Math.min((stageW - 2 * margin) / imageW, (stageH - 2 * margin) / imageH));
  return { scale, x: Math.round((stageW - imageW * scale) / 2), y: Math.round((stageH - imageH * scale) / 2) };
}

/** Wheel delta to a zoom factor: smooth for trackpads, one notch ≈ 1.2x for mice. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-pixels * 0.0015);
}
