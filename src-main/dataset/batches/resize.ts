// Brings a photo and its mask to the model's square input: the photo resampled with sharp (a
// plain stretch, which `facet segment` inverts exactly when it resizes probabilities back), the
// mask by nearest neighbour so labels stay labels.
import sharp from 'sharp';

export async function resizeRgb(data: Uint8Array, width: number, height: number, size: number): Promise<Uint8Array> {
  if (width === size && height === size) return data;
  const out = await sharp(data, { raw: { width, height, channels: 3 } })
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function resizeLabelsNearest(labels: Uint8Array, width: number, height: number, size: number): Uint8Array {
  if (width === size && height === size) return labels;
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    // Pixel centres map to pixel centres (half-pixel convention, like sharp's own nearest kernel).
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / size));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / size));
      out[y * size + x] = labels[sy * width + sx]!;
    }
  }
  return out;
}
