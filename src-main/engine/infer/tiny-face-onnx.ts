// One pass of the Tiny Face Detector on onnxruntime (onnx/tiny-face-graph.ts): the photo region
// squared and scaled by sharp (face-api pads the photo black at the bottom or right to a square
// and resizes it in tfjs; here libvips does both in one step, off the JS thread), the net on every
// core, then face-api's own box decoding (Tiny YOLO v2: sigmoid offsets in a cell, exp sizes of
// five anchors) and non-maximum suppression at IoU 0.4.
import os from 'node:os';
import sharp from 'sharp';
import type * as Ort from 'onnxruntime-node';
import { iou, type FaceBox } from './face-box';
import { loadOnnxRuntime } from './onnx/session';
import { readTinyFaceWeights, TINY_FACE_INPUT, TINY_FACE_OUTPUT, tinyFaceOnnx } from './onnx/tiny-face-graph';

/** face-api's TinyFaceDetector constants (src/tinyFaceDetector/const.ts). */
const ANCHORS: readonly (readonly [number, number])[] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const MEAN_RGB = [117.001, 114.697, 97.404] as const;
const IOU_THRESHOLD = 0.4;
const BOX_ENCODING = 5;

export interface TinyFaceNet {
  /**
   * Faces in `region` of an RGB photo, the region scaled so its longer side is `netSize` (a
   * multiple of 32); boxes in photo pixels, scores over `threshold`.
   */
  detect(photo: { data: Uint8Array; width: number; height: number }, region: { x: number; y: number; w: number; h: number }, netSize: number, threshold: number): Promise<FaceBox[]>;
  release(): Promise<void>;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** face-api's nonMaxSuppression: highest score first, drop boxes overlapping a kept one by IoU > threshold. */
export function suppress(boxes: FaceBox[], threshold = IOU_THRESHOLD): FaceBox[] {
  const kept: FaceBox[] = [];
  for (const box of [...boxes].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k, box) <= threshold)) kept.push(box);
  }
  return kept;
}

/**
 * Boxes of the head's NHWC map (`cells` x `cells` x anchors * 5) for an input whose content (the
 * scaled region) is `contentW` x `contentH` of `netSize`, mapped onto the region.
 */
export function decodeGrid(
  grid: Float32Array,
  cells: number,
  netSize: number,
  content: { w: number; h: number },
  region: { x: number; y: number; w: number; h: number },
  threshold: number,
): FaceBox[] {
  const out: FaceBox[] = [];
  // As face-api: coordinates relative to the content, then scaled to the region.
  const fx = (netSize / content.w) * region.w;
  const fy = (netSize / content.h) * region.h;
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (let a = 0; a < ANCHORS.length; a++) {
        const at = ((row * cells + col) * ANCHORS.length + a) * BOX_ENCODING;
        const score = sigmoid(grid[at + 4]!);
        if (!(score > threshold)) continue;
        const cx = (col + sigmoid(grid[at]!)) / cells;
        const cy = (row + sigmoid(grid[at + 1]!)) / cells;
        const w = (Math.exp(grid[at + 2]!) * ANCHORS[a]![0]) / cells;
        const h = (Math.exp(grid[at + 3]!) * ANCHORS[a]![1]) / cells;
        out.push({ x: region.x + (cx - w / 2) * fx, y: region.y + (cy - h / 2) * fy, w: w * fx, h: h * fy, score });
      }
    }
  }
  return out;
}

/** The region as the net's input: scaled (aspect kept) into the top-left of a black square, normalised. */
async function netInput(photo: { data: Uint8Array; width: number; height: number }, region: { x: number; y: number; w: number; h: number }, netSize: number): Promise<{ x: Float32Array; content: { w: number; h: number } }> {
  const scale = netSize / Math.max(region.w, region.h);
  const content = { w: Math.max(1, Math.round(region.w * scale)), h: Math.max(1, Math.round(region.h * scale)) };
  const rgb = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({ left: region.x, top: region.y, width: region.w, height: region.h })
    .resize(content.w, content.h, { fit: 'fill' })
    .extend({ right: netSize - content.w, bottom: netSize - content.h, background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer();
  const x = new Float32Array(netSize * netSize * 3);
  for (let i = 0; i < x.length; i += 3) {
    x[i] = (rgb[i]! - MEAN_RGB[0]) / 255;
    x[i + 1] = (rgb[i + 1]! - MEAN_RGB[1]) / 255;
    x[i + 2] = (rgb[i + 2]! - MEAN_RGB[2]) / 255;
  }
  return { x, content };
}

let opened: Promise<TinyFaceNet> | null = null;

/** The detector's session, opened once per process from face-api's weights in `modelDir`. */
export function openTinyFaceNet(modelDir: string): Promise<TinyFaceNet> {
  opened ??= open(modelDir);
  opened.catch(() => (opened = null));
  return opened;
}

async function open(modelDir: string): Promise<TinyFaceNet> {
  const ort: typeof Ort = await loadOnnxRuntime();
  const bytes = tinyFaceOnnx(await readTinyFaceWeights(modelDir));
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: os.availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  return {
    async detect(photo, region, netSize, threshold) {
      if (!Number.isInteger(netSize) || netSize <= 0 || netSize % 32 !== 0) throw new RangeError(`tiny face detector: input size must be a multiple of 32, got ${netSize}`);
      const { x, content } = await netInput(photo, region, netSize);
      const result = await session.run({ [TINY_FACE_INPUT]: new ort.Tensor('float32', x, [1, netSize, netSize, 3]) });
      const grid = result[TINY_FACE_OUTPUT];
      if (!grid || !(grid.data instanceof Float32Array)) throw new Error('tiny face detector: the net gave no float output');
      const cells = grid.dims[1]!;
      return suppress(decodeGrid(grid.data, cells, netSize, content, region, threshold));
    },
    async release() {
      opened = null;
      await session.release();
    },
  };
}
