// A drawn, face-like test image with its exact 8-class mask: for benchmarks and the committed
// screenshots, which must never show the (non-redistributable) real photos.
import sharp from 'sharp';

export interface SyntheticFace {
  width: number;
  height: number;
  /** One class 0..7 per pixel. */
  labels: Uint8Array;
  /** RGB, 3 bytes per pixel. */
  rgb: Uint8Array;
}

export interface FaceStyle {
  skin: [number, number, number];
  hair: [number, number, number];
  backdrop: [number, number, number];
  glasses: boolean;
  /** Small shifts so a gallery of faces does not look cloned. */
  dx: number;
  dy: number;
  scale: number;
}

export const DEFAULT_STYLE: FaceStyle = { skin: [228, 184, 152], hair: [70, 44, 30], backdrop: [120, 150, 190], glasses: true, dx: 0, dy: 0, scale: 1 };

function inEllipse(u: number, v: number, cx: number, cy: number, rx: number, ry: number): number {
  const a = (u - cx) / rx;
  const b = (v - cy) / ry;
  return a * a + b * b;
}

function inTriangle(u: number, v: number, a: [number, number], b: [number, number], c: [number, number]): boolean {
  const s = (p: [number, number], q: [number, number]) => (u - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (v - q[1]);
  const d1 = s(a, b);
  const d2 = s(b, c);
  const d3 = s(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

export function drawFace(width: number, height: number, style: FaceStyle = DEFAULT_STYLE): SyntheticFace {
  const labels = new Uint8Array(width * height);
  const rgb = new Uint8Array(width * height * 3);
  const { skin, hair, backdrop, dx, dy, scale: k } = style;
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return ((seed >>> 16) & 0xff) / 255 - 0.5;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Face coordinates: centred, scaled, shifted.
      const u = (x / width - 0.5 - dx) / k + 0.5;
      const v = (y / height - 0.5 - dy) / k + 0.5;
      let cls = 0;
      let col: [number, number, number] = [
        backdrop[0] * (0.75 + 0.35 * (1 - y / height)),
        backdrop[1] * (0.75 + 0.35 * (1 - y / height)),
        backdrop[2] * (0.8 + 0.3 * (x / width)),
      ];
      if (inEllipse(u, v, 0.5, 0.47, 0.3, 0.38) < 1) col = hair;
      if (u > 0.43 && u < 0.57 && v > 0.72) col = [skin[0] * 0.85, skin[1] * 0.8, skin[2] * 0.78];
      for (const ex of [0.27, 0.73]) {
        if (inEllipse(u, v, ex, 0.52, 0.045, 0.085) < 1) {
          cls = 6;
          col = [skin[0] * 0.92, skin[1] * 0.85, skin[2] * 0.82];
        }
      }
      const face = inEllipse(u, v, 0.5, 0.53, 0.22, 0.3);
      if (face < 1) {
        cls = 1;
        const shade = 1.05 - 0.25 * face;
        col = [skin[0] * shade, skin[1] * shade, skin[2] * shade];
      }
      for (const bx of [0.41, 0.59]) {
        if (inEllipse(u, v, bx, 0.415, 0.07, 0.016) < 1 && v < 0.418) {
          cls = 2;
          col = [hair[0] * 0.9, hair[1] * 0.9, hair[2] * 0.9];
        }
      }
      if (inTriangle(u, v, [0.5, 0.46], [0.455, 0.6], [0.545, 0.6])) {
        cls = 4;
        col = [skin[0] * 0.95, skin[1] * 0.88, skin[2] * 0.85];
      }
      if (inEllipse(u, v, 0.5, 0.685, 0.085, 0.032) < 1) {
        cls = 5;
        col = v < 0.685 ? [190, 80, 90] : [170, 60, 75];
      }
      for (const ex of [0.41, 0.59]) {
        const e = inEllipse(u, v, ex, 0.47, 0.05, 0.022);
        if (e < 1) {
          cls = 3;
          col = inEllipse(u, v, ex, 0.47, 0.016, 0.016) < 1 ? [60, 90, 140] : [245, 245, 240];
        }
        if (style.glasses) {
          const r = inEllipse(u, v, ex, 0.47, 0.085, 0.055);
          if (r >= 1 && r < 1.35) {
            cls = 7;
            col = [30, 30, 35];
          }
        }
      }
      if (style.glasses && u > 0.49 && u < 0.51 && Math.abs(v - 0.465) < 0.007) {
        cls = 7;
        col = [30, 30, 35];
      }
      const i = y * width + x;
      labels[i] = cls;
      const n = noise() * 10;
      rgb[i * 3] = Math.max(0, Math.min(255, col[0] + n));
      rgb[i * 3 + 1] = Math.max(0, Math.min(255, col[1] + n));
      rgb[i * 3 + 2] = Math.max(0, Math.min(255, col[2] + n));
    }
  }
  return { width, height, labels, rgb };
}

/** Writes the photo (JPEG, softened like a real photo) and the mask (gray PNG, value = class). */
export async function writeFace(face: SyntheticFace, photoPath: string, maskPath: string): Promise<void> {
  const { width, height } = face;
  await sharp(face.rgb, { raw: { width, height, channels: 3 } })
    .blur(Math.max(0.5, width / 700))
    .jpeg({ quality: 90 })
    .toFile(photoPath);
  await sharp(face.labels, { raw: { width, height, channels: 1 } }).png().toFile(maskPath);
}
