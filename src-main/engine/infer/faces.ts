// Face detection with the detectors that ship inside the `@vladmandic/face-api` package (SSD
// MobileNet v1, and the Tiny Face Detector, a Tiny YOLO v2): weights are read from its `model/`
// folder in node_modules, never fetched. Its `node-wasm` build runs on the same @tensorflow/tfjs
// 4.22 core and wasm backend as the engine.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { initEngine } from '../backend/index';
import { tf } from '../tf';
import { inferChoice, INFER_ENV, type InferRuntime } from './runtime';
import { iou, type FaceBox } from './face-box';
import { openTinyFaceNet, type TinyFaceNet } from './tiny-face-onnx';

const require = createRequire(import.meta.url);

export type { FaceBox } from './face-box';

export interface FaceDetector {
  /** Faces in an RGB photo (`data` is width*height*3 bytes). */
  detect(photo: { data: Uint8Array; width: number; height: number }): Promise<FaceBox[]>;
  dispose(): void;
}

/**
 * `ssd`: SSD MobileNet v1 at 512x512. `tiny`: the Tiny Face Detector at `inputSize` (a multiple
 * of 32) plus a coarse pass at `coarseSize`: about a third of SSD's time per photo. Measured on
 * the tests' cases (scripts/bench/face-recall.ts): tiny misses large faces without
 * the coarse pass (its anchors are for faces well under half the input), and small ones in
 * tiles at SSD's threshold, hence its own lower threshold; it keeps in-plane rotated faces (15-30
 * degrees) that SSD loses.
 */
export type FaceDetectorKind = 'ssd' | 'tiny';
export const FACE_DETECTOR_KINDS: readonly FaceDetectorKind[] = ['ssd', 'tiny'];
export const DEFAULT_FACE_DETECTOR: FaceDetectorKind = 'tiny';

export interface FaceDetectorOptions {
  /** Which detector; `ssd` when not given. */
  kind?: FaceDetectorKind;
  /** The tiny detector's input side (multiple of 32); 416 when not given. Ignored by `ssd`. */
  inputSize?: number;
  /** The tiny detector's second whole-photo pass, for faces that fill most of the photo; 224 when not given, 0: none. */
  coarseSize?: number;
  /** Detector score threshold, 0..1; 0.5 for `ssd`, 0.3 for `tiny` when not given. */
  minConfidence?: number;
  maxFaces?: number;
  /**
   * Photos are scaled down to this longest side before detection (the detector itself works at
   * 512x512): large photos cost no more to scan.
   */
  detectSide?: number;
  /**
   * Photos larger than 1.5 tiles are also scanned in overlapping tiles of this side, so faces
   * too small for the whole-photo pass are found.
   */
  tileSide?: number;
  /**
   * Where the tiny detector's net runs: `onnx` (onnxruntime on every core, the net rebuilt from
   * face-api's weights: tiny-face-onnx.ts) or `tfjs` (face-api itself, one wasm thread). When not
   * given: as FACET_INFER says, by default onnx on the CPU backends; a failed onnxruntime falls
   * back to tfjs unless onnx was asked for. `ssd` always runs on tfjs.
   */
  runtime?: InferRuntime;
}

/** The folder of detector weights inside the installed package. */
export function faceModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

const loaded = new Map<FaceDetectorKind, Promise<typeof FaceApi>>();

function loadFaceApi(kind: FaceDetectorKind): Promise<typeof FaceApi> {
  let once = loaded.get(kind);
  if (!once) {
    once = (async () => {
      await initEngine();
      const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
      const net = kind === 'tiny' ? faceapi.nets.tinyFaceDetector : faceapi.nets.ssdMobilenetv1;
      await net.loadFromDisk(faceModelDir());
      return faceapi;
    })();
    once.catch(() => loaded.delete(kind));
    loaded.set(kind, once);
  }
  return once;
}

/** The tiny detector on onnxruntime when FACET_INFER (or `runtime`) wants it and it opens; else null (face-api's tfjs). */
async function tinyNet(runtime: InferRuntime | undefined): Promise<TinyFaceNet | null> {
  const choice = runtime ?? inferChoice();
  if (choice === 'tfjs') return null;
  if (choice === 'auto') {
    await initEngine();
    if (tf.getBackend() !== 'wasm' && tf.getBackend() !== 'cpu') return null;
  }
  try {
    return await openTinyFaceNet(faceModelDir());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (choice === 'onnx') throw new Error(`${runtime ? 'face detector runtime onnx' : `${INFER_ENV}=onnx`}: ${reason}`);
    if (!tinyFallbackSaid) process.stderr.write(`tiny face detector on face-api's tfjs: ${reason}\n`);
    tinyFallbackSaid = true;
    return null;
  }
}
let tinyFallbackSaid = false;

/** Overlapping square tiles covering a `width`x`height` photo. */
export function tilesOf(width: number, height: number, side: number, overlap: number): { x: number; y: number; w: number; h: number }[] {
  const step = Math.max(1, Math.floor(side * (1 - overlap)));
  const starts = (length: number): number[] => {
    if (length <= side) return [0];
    const out: number[] = [];
    for (let p = 0; p + side < length; p += step) out.push(p);
    out.push(length - side);
    return out;
  };
  return starts(height).flatMap((y) => starts(width).map((x) => ({ x, y, w: Math.min(side, width), h: Math.min(side, height) })));
}

/** Greedy non-maximum suppression across passes; a box mostly inside a kept one is a duplicate too. */
export function mergeBoxes(boxes: FaceBox[], threshold = 0.4): FaceBox[] {
  const kept: FaceBox[] = [];
  for (const box of [...boxes].sort((a, b) => b.score - a.score)) {
    const inside = (k: FaceBox): number => {
      const x0 = Math.max(k.x, box.x);
      const y0 = Math.max(k.y, box.y);
      const inter = Math.max(0, Math.min(k.x + k.w, box.x + box.w) - x0) * Math.max(0, Math.min(k.y + k.h, box.y + box.h) - y0);
      return inter / Math.min(k.w * k.h, box.w * box.h);
    };
    if (kept.every((k) => iou(k, box) < threshold && inside(k) < 0.7)) kept.push(box);
  }
  return kept;
}

export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const kind = options.kind ?? DEFAULT_FACE_DETECTOR;
  if (!FACE_DETECTOR_KINDS.includes(kind)) throw new RangeError(`face detector: unknown kind ${String(kind)} (${FACE_DETECTOR_KINDS.join(', ')})`);
  const inputSize = options.inputSize ?? 416;
  const coarseSize = options.coarseSize ?? 224;
  for (const [name, value] of [['inputSize', inputSize], ['coarseSize', coarseSize]] as const) {
    if (kind === 'tiny' && (!Number.isInteger(value) || value < 0 || value % 32 !== 0 || (name === 'inputSize' && value === 0))) throw new RangeError(`face detector: ${name} must be a multiple of 32, got ${value}`);
  }
  const net = kind === 'tiny' ? await tinyNet(options.runtime) : null;
  const faceapi = net ? null : await loadFaceApi(kind);
  const minConfidence = options.minConfidence ?? (kind === 'tiny' ? 0.3 : 0.5);
  const maxResults = options.maxFaces ?? 50;
  const detectSide = options.detectSide ?? 1024;
  const tileSide = options.tileSide ?? 1024;

  /** Faces in a region of the photo, scaled to at most `side` px before the detector sees it. */
  async function detectIn(photo: { data: Uint8Array; width: number; height: number }, region: { x: number; y: number; w: number; h: number }, side: number, netSize = inputSize): Promise<FaceBox[]> {
    // onnxruntime's pass scales the region straight to the net's input (no 1024 px step between).
    if (net) return net.detect(photo, region, netSize, minConfidence);
    const scale = Math.min(1, side / Math.max(region.w, region.h));
    const width = Math.max(1, Math.round(region.w * scale));
    const height = Math.max(1, Math.round(region.h * scale));
    const whole = region.x === 0 && region.y === 0 && region.w === photo.width && region.h === photo.height;
    let data = photo.data;
    if (!whole || scale < 1) {
      const buffer = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
        .extract({ left: region.x, top: region.y, width: region.w, height: region.h })
        .resize(width, height, { fit: 'fill' })
        .raw()
        .toBuffer();
      data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    const input = tf.tensor3d(data, [height, width, 3], 'int32');
    try {
      if (!faceapi) throw new Error('face detector: face-api is not loaded');
      const detectorOptions = kind === 'tiny' ? new faceapi.TinyFaceDetectorOptions({ inputSize: netSize, scoreThreshold: minConfidence }) : new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults });
      const found = await faceapi.detectAllFaces(input as unknown as FaceApi.tf.Tensor3D, detectorOptions);
      const sx = region.w / width;
      const sy = region.h / height;
      return found.map((d): FaceBox => ({ x: region.x + d.box.x * sx, y: region.y + d.box.y * sy, w: d.box.width * sx, h: d.box.height * sy, score: d.score }));
    } finally {
      input.dispose();
    }
  }

  return {
    async detect(photo) {
      const all = { x: 0, y: 0, w: photo.width, h: photo.height };
      const boxes = await detectIn(photo, all, detectSide);
      if (kind === 'tiny' && coarseSize > 0) boxes.push(...(await detectIn(photo, all, detectSide, coarseSize)));
      // The detector sees 512x512: on a large photo, small faces vanish in the whole-photo pass,
      // so overlapping tiles look again at a finer scale.
      if (Math.max(photo.width, photo.height) > tileSide * 1.5) {
        for (const tile of tilesOf(photo.width, photo.height, tileSide, 0.25)) boxes.push(...(await detectIn(photo, tile, tileSide)));
      }
      return mergeBoxes(boxes).slice(0, maxResults);
    },
    dispose() {
      // The detector's weights are shared by every detector of this process and kept loaded.
    },
  };
}
