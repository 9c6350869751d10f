// Augmentation applied identically to a photo and its mask (same geometry): horizontal flip,
// scale, rotation and shift as one affine map sampled backwards (image bilinear with edge clamp,
// mask nearest with background outside), then colour jitter on the image only (brightness,
// contrast, saturation, a small per-channel gain), as the PyTorch peer does. Our 8 classes are
// not sided, so a flip needs no left/right label swap.
//
// `degrade` then imitates other cameras on the image only, each with its own probability:
// grayscale, a 3x3 box blur (once or twice) and a round trip through a low-quality JPEG. Their
// draws come after the affine and colour draws, so configs without them draw what they always did.
// Pose and camera robustness (perspective, low resolution, occlusion: robustness.ts) and glasses
// copy-paste (glasses-paste.ts) come from a random stream of their own, for the same reason.
import sharp from 'sharp';
import type { AugmentConfig } from '../../contract/training';
import { uniform, type Rng } from './rng';

export interface Sample {
  /** RGB floats in [0, 1], size*size*3. */
  rgb: Float32Array;
  labels: Uint8Array;
  size: number;
}

/** A geometric warp about the image centre: flip, then scale and rotation (radians), then shift in pixels. */
export interface Affine {
  flip: boolean;
  scale: number;
  angle: number;
  tx: number;
  ty: number;
}

function drawAffine(cfg: AugmentConfig, rng: Rng, size: number): Affine {
  return {
    flip: cfg.hflip && rng() < 0.5,
    scale: uniform(rng, 1 - cfg.scale, 1 + cfg.scale),
    angle: (uniform(rng, -cfg.rotate, cfg.rotate) * Math.PI) / 180,
    tx: uniform(rng, -cfg.shift, cfg.shift) * size,
    ty: uniform(rng, -cfg.shift, cfg.shift) * size,
  };
}

/** Geometric part: returns new arrays; `rgb` are bytes of the source sample. */
export function affine(rgb: Uint8Array, labels: Uint8Array, size: number, cfg: AugmentConfig, rng: Rng): Sample {
  return warp(rgb, labels, size, drawAffine(cfg, rng, size));
}

/** Applies one warp: photo bilinear (edges clamped) as floats in [0, 1], mask nearest (background outside). */
export function warp(rgb: Uint8Array, labels: Uint8Array, size: number, a: Affine): Sample {
  const outRgb = new Float32Array(size * size * 3);
  const outLabels = new Uint8Array(size * size);
  const c = (size - 1) / 2;
  const cos = Math.cos(a.angle) / a.scale;
  const sin = Math.sin(a.angle) / a.scale;
  const max = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Output → source: undo shift, then rotation and scale about the centre, then the flip.
      const dx = x - c - a.tx;
      const dy = y - c - a.ty;
      let sx = cos * dx + sin * dy + c;
      const sy = -sin * dx + cos * dy + c;
      if (a.flip) sx = max - sx;
      sampleAt(rgb, labels, size, sx, sy, 255, outRgb, outLabels, y * size + x);
    }
  }
  return { rgb: outRgb, labels: outLabels, size };
}

/**
 * Output pixel `o` of a warp from source point (sx, sy): the mask nearest (background outside), the
 * photo bilinear with edges clamped, divided by `divisor` (255 for bytes, 1 for floats in [0, 1]).
 */
export function sampleAt(
  rgb: ArrayLike<number>, labels: Uint8Array, size: number, sx: number, sy: number, divisor: number,
  outRgb: Float32Array, outLabels: Uint8Array, o: number,
): void {
  const max = size - 1;
  const nx = Math.round(sx);
  const ny = Math.round(sy);
  outLabels[o] = nx >= 0 && nx <= max && ny >= 0 && ny <= max ? labels[ny * size + nx]! : 0;
  const cx = Math.min(max, Math.max(0, sx));
  const cy = Math.min(max, Math.max(0, sy));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(max, x0 + 1);
  const y1 = Math.min(max, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const i00 = (y0 * size + x0) * 3;
  const i01 = (y0 * size + x1) * 3;
  const i10 = (y1 * size + x0) * 3;
  const i11 = (y1 * size + x1) * 3;
  for (let ch = 0; ch < 3; ch++) {
    const top = rgb[i00 + ch]! + (rgb[i01 + ch]! - rgb[i00 + ch]!) * fx;
    const bottom = rgb[i10 + ch]! + (rgb[i11 + ch]! - rgb[i10 + ch]!) * fx;
    outRgb[o * 3 + ch] = (top + (bottom - top) * fy) / divisor;
  }
}

/** Colour jitter in place on floats in [0, 1]. */
export function colorJitter(sample: Sample, strength: number, rng: Rng): void {
  if (strength <= 0) return;
  const { rgb } = sample;
  const n = rgb.length / 3;
  const brightness = uniform(rng, 1 - strength, 1 + strength);
  const contrast = uniform(rng, 1 - strength, 1 + strength);
  const saturation = uniform(rng, 1 - strength, 1 + strength);
  const gain = [0, 1, 2].map(() => uniform(rng, 1 - strength / 5, 1 + strength / 5));
  let meanGray = 0;
  for (let i = 0; i < n; i++) meanGray += (0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!) * brightness;
  meanGray /= n;
  for (let i = 0; i < n; i++) {
    let r = rgb[3 * i]! * brightness;
    let g = rgb[3 * i + 1]! * brightness;
    let b = rgb[3 * i + 2]! * brightness;
    r = (r - meanGray) * contrast + meanGray;
    g = (g - meanGray) * contrast + meanGray;
    b = (b - meanGray) * contrast + meanGray;
    const gray = 0.299 * r + 0.587 * g + 0.114 * b;
    r = (r - gray) * saturation + gray;
    g = (g - gray) * saturation + gray;
    b = (b - gray) * saturation + gray;
    rgb[3 * i] = Math.min(1, Math.max(0, r * gain[0]!));
    rgb[3 * i + 1] = Math.min(1, Math.max(0, g * gain[1]!));
    rgb[3 * i + 2] = Math.min(1, Math.max(0, b * gain[2]!));
  }
}

/** The whole augmentation of one sample. */
export function augment(rgb: Uint8Array, labels: Uint8Array, size: number, cfg: AugmentConfig, rng: Rng): Sample {
  const sample = affine(rgb, labels, size, cfg, rng);
  colorJitter(sample, cfg.colorJitter, rng);
  return sample;
}

/** Grayscale in place (luma in every channel). */
export function toGrayscale(sample: Sample): void {
  const { rgb } = sample;
  for (let i = 0; i < rgb.length; i += 3) {
    const g = 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    rgb[i] = g;
    rgb[i + 1] = g;
    rgb[i + 2] = g;
  }
}

/** A 3x3 box blur in place (edges clamped). */
export function boxBlur(sample: Sample): void {
  const { rgb, size } = sample;
  const src = rgb.slice();
  const max = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = Math.min(max, Math.max(0, y + dy));
          for (let dx = -1; dx <= 1; dx++) sum += src[(yy * size + Math.min(max, Math.max(0, x + dx))) * 3 + ch]!;
        }
        rgb[(y * size + x) * 3 + ch] = sum / 9;
      }
    }
  }
}

/** A round trip through JPEG at `quality` (sharp), in place. */
export async function jpegRoundTrip(sample: Sample, quality: number): Promise<void> {
  const { rgb, size } = sample;
  const bytes = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, rgb[i]!)) * 255);
  const raw = { width: size, height: size, channels: 3 as const };
  const jpeg = await sharp(bytes, { raw }).jpeg({ quality: Math.round(quality), chromaSubsampling: '4:2:0' }).toBuffer();
  const back = await sharp(jpeg).removeAlpha().toColourspace('srgb').raw().toBuffer();
  if (back.length !== rgb.length) return;
  for (let i = 0; i < rgb.length; i++) rgb[i] = back[i]! / 255;
}

/** The camera-like degradations of one augmented sample, in place. */
export async function degrade(sample: Sample, cfg: AugmentConfig, rng: Rng): Promise<void> {
  if (cfg.grayscale <= 0 && cfg.blur <= 0 && cfg.jpeg <= 0) return;
  if (rng() < cfg.grayscale) toGrayscale(sample);
  if (rng() < cfg.blur) {
    boxBlur(sample);
    if (rng() < 0.5) boxBlur(sample);
  }
  if (rng() < cfg.jpeg) await jpegRoundTrip(sample, uniform(rng, 10, 50));
}
