// Pose and camera robustness on an augmented sample, each with its own probability (all off by
// default): a yaw-like perspective warp (photo and mask together), a low-resolution round trip and
// rectangles of occlusion (photo only: an occluded face part is still labelled as the truth, so the
// model learns to infer it). They draw from their own random stream (the loader gives them one),
// so configs without them draw exactly what they always did.
import { uniform, type Rng } from './rng';
import { sampleAt, type Sample } from './augment';

/** Largest perspective coefficient: at 0.35 the far side is squeezed to about 0.74 of its height. */
export const MAX_PERSPECTIVE = 0.35;

/**
 * The perspective of a face turned about the vertical axis: in coordinates centred on the image
 * and scaled to [-1, 1], output (u, v) samples the source at (u, v) / (1 - p u). Columns toward
 * u = 1/p (the side p points to) come from farther out, so that side shrinks in width and height,
 * the other grows. Photo bilinear with edges clamped, mask nearest with background outside, as the
 * affine warp does.
 */
export function perspectiveWarp(sample: Sample, p: number): Sample {
  const { rgb, labels, size } = sample;
  const outRgb = new Float32Array(rgb.length);
  const outLabels = new Uint8Array(labels.length);
  const c = (size - 1) / 2;
  const half = Math.max(c, 0.5);
  for (let y = 0; y < size; y++) {
    const v = (y - c) / half;
    for (let x = 0; x < size; x++) {
      const u = (x - c) / half;
      const w = 1 - p * u;
      const sx = (u / w) * half + c;
      const sy = (v / w) * half + c;
      sampleAt(rgb, labels, size, sx, sy, 1, outRgb, outLabels, y * size + x);
    }
  }
  return { rgb: outRgb, labels: outLabels, size };
}

/** The photo averaged down to side/`factor` (area) and brought back up bilinearly (half-pixel centres), in place. */
export function lowResolution(sample: Sample, factor: number): void {
  const { rgb, size } = sample;
  const small = Math.max(1, Math.round(size / factor));
  if (small >= size) return;
  const down = new Float32Array(small * small * 3);
  for (let j = 0; j < small; j++) {
    const y0 = Math.floor((j * size) / small);
    const y1 = Math.max(y0 + 1, Math.floor(((j + 1) * size) / small));
    for (let i = 0; i < small; i++) {
      const x0 = Math.floor((i * size) / small);
      const x1 = Math.max(x0 + 1, Math.floor(((i + 1) * size) / small));
      const n = (y1 - y0) * (x1 - x0);
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += rgb[(y * size + x) * 3 + ch]!;
        down[(j * small + i) * 3 + ch] = sum / n;
      }
    }
  }
  const scale = small / size;
  const at = (k: number): { lo: number; hi: number; t: number } => {
    const u = Math.min(small - 1, Math.max(0, (k + 0.5) * scale - 0.5));
    const lo = Math.floor(u);
    return { lo, hi: Math.min(small - 1, lo + 1), t: u - lo };
  };
  const cols = Array.from({ length: size }, (_, x) => at(x));
  for (let y = 0; y < size; y++) {
    const r = at(y);
    for (let x = 0; x < size; x++) {
      const q = cols[x]!;
      for (let ch = 0; ch < 3; ch++) {
        const a = down[(r.lo * small + q.lo) * 3 + ch]!;
        const b = down[(r.lo * small + q.hi) * 3 + ch]!;
        const d = down[(r.hi * small + q.lo) * 3 + ch]!;
        const e = down[(r.hi * small + q.hi) * 3 + ch]!;
        const top = a + (b - a) * q.t;
        rgb[(y * size + x) * 3 + ch] = top + (d + (e - d) * q.t - top) * r.t;
      }
    }
  }
}

export interface OcclusionRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One or two rectangles, each 10-40% of the side, filled with a flat grey or with noise, in place. Returns them. */
export function occlude(sample: Sample, rng: Rng): OcclusionRect[] {
  const { rgb, size } = sample;
  const count = rng() < 0.5 ? 1 : 2;
  const rects: OcclusionRect[] = [];
  for (let r = 0; r < count; r++) {
    const w = Math.max(1, Math.round(uniform(rng, 0.1, 0.4) * size));
    const h = Math.max(1, Math.round(uniform(rng, 0.1, 0.4) * size));
    const x0 = Math.floor(rng() * (size - w + 1));
    const y0 = Math.floor(rng() * (size - h + 1));
    const noise = rng() < 0.5;
    const grey = rng();
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const i = (y * size + x) * 3;
        if (noise) {
          rgb[i] = rng();
          rgb[i + 1] = rng();
          rgb[i + 2] = rng();
        } else rgb.fill(grey, i, i + 3);
      }
    }
    rects.push({ x: x0, y: y0, w, h });
  }
  return rects;
}

export interface RobustnessConfig {
  perspective: number;
  lowRes: number;
  occlusion: number;
}

/** The robustness augmentations of one sample, each when drawn; returns the (possibly new) sample. */
export function robustness(sample: Sample, cfg: RobustnessConfig, rng: Rng): Sample {
  let out = sample;
  if (cfg.perspective > 0 && rng() < cfg.perspective) out = perspectiveWarp(out, uniform(rng, -MAX_PERSPECTIVE, MAX_PERSPECTIVE));
  if (cfg.lowRes > 0 && rng() < cfg.lowRes) lowResolution(out, uniform(rng, 2, 4));
  if (cfg.occlusion > 0 && rng() < cfg.occlusion) occlude(out, rng);
  return out;
}
