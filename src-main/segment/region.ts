// Where a model's square probability map sits on the photo. The map is `size`x`size`; `x`, `y`,
// `w`, `h` are the photo coordinates (pixel edges, may lie outside the photo when the input was
// padded) that the map's full extent covers. Whole-photo and face-crop segmentation both reduce
// to this, so one resize-and-argmax serves both.
export interface MapRegion {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** An integer rectangle of photo pixels. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Places the photo rectangle `rect` inside a `size`x`size` map at `placement` (the resized
 * rectangle, in map pixels) and returns the photo region the whole map covers.
 */
export function regionOf(rect: PixelRect, placement: PixelRect, size: number): MapRegion {
  const sx = rect.w / placement.w;
  const sy = rect.h / placement.h;
  return { x: rect.x - placement.x * sx, y: rect.y - placement.y * sy, w: size * sx, h: size * sy };
}

/**
 * The map placement of a photo rectangle of `rect.w`x`rect.h` that stands for a square window of
 * side `side` whose top-left is at (`left`, `top`) relative to the rectangle (<= 0 when the window
 * extends past the photo): keeps the aspect ratio, pads the rest.
 */
export function placementOf(rect: PixelRect, window: { left: number; top: number; side: number }, size: number): PixelRect {
  const scale = size / window.side;
  const w = Math.max(1, Math.min(size, Math.round(rect.w * scale)));
  const h = Math.max(1, Math.min(size, Math.round(rect.h * scale)));
  const x = Math.max(0, Math.min(size - w, Math.round((rect.x - window.left) * scale)));
  const y = Math.max(0, Math.min(size - h, Math.round((rect.y - window.top) * scale)));
  return { x, y, w, h };
}

/** The whole photo centred in a square window of side max(width, height). */
export function wholePhotoPlacement(width: number, height: number, size: number): { rect: PixelRect; placement: PixelRect } {
  const side = Math.max(width, height);
  const rect = { x: 0, y: 0, w: width, h: height };
  const placement = placementOf(rect, { left: -(side - width) / 2, top: -(side - height) / 2, side }, size);
  return { rect, placement };
}
