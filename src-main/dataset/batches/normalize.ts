// The models' input convention, shared by training and inference: RGB scaled to [0, 1] then
// standardised with the ImageNet mean and deviation (as the PyTorch peer does).
export const RGB_MEAN = [0.485, 0.456, 0.406] as const;
export const RGB_STD = [0.229, 0.224, 0.225] as const;

/** Writes `rgb` (bytes, or floats in [0, 1] when `unit`) normalised into `out` at `offset`. */
export function normalizeInto(rgb: ArrayLike<number>, out: Float32Array, offset: number, unit = false): void {
  const scale = unit ? 1 : 1 / 255;
  for (let i = 0; i < rgb.length; i++) {
    const c = i % 3;
    out[offset + i] = (rgb[i]! * scale - RGB_MEAN[c]!) / RGB_STD[c]!;
  }
}
