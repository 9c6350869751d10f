// The Tiny Face Detector rebuilt for onnxruntime computes face-api's own net (same head map from
// the same pixels), and decodes and suppresses boxes as face-api does.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import type * as Ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { initEngine } from '../../../src-main/engine/backend/index';
import { faceModelDir } from '../../../src-main/engine/infer/faces';
import { loadOnnxRuntime } from '../../../src-main/engine/infer/onnx/session';
import { readTinyFaceWeights, TINY_FACE_INPUT, TINY_FACE_OUTPUT, tinyFaceOnnx } from '../../../src-main/engine/infer/onnx/tiny-face-graph';
import { decodeGrid, suppress } from '../../../src-main/engine/infer/tiny-face-onnx';
import { tf } from '../../../src-main/engine/tf';

const require = createRequire(import.meta.url);
const MEAN_RGB = [117.001, 114.697, 97.404];

/** A 2D pattern with edges and gradients (a detector's head is flat on a constant image). */
async function pattern(side: number): Promise<Uint8Array> {
  const svg = `<svg width="${side}" height="${side}" xmlns="http://www.w3.org/2000/svg">
    <defs><radialGradient id="g"><stop offset="0" stop-color="#f0c8a0"/><stop offset="1" stop-color="#402010"/></radialGradient></defs>
    <rect width="100%" height="100%" fill="#3a6ea5"/><ellipse cx="${side * 0.45}" cy="${side * 0.5}" rx="${side * 0.22}" ry="${side * 0.3}" fill="url(#g)"/>
    <circle cx="${side * 0.37}" cy="${side * 0.42}" r="${side * 0.03}" fill="#111"/><circle cx="${side * 0.53}" cy="${side * 0.42}" r="${side * 0.03}" fill="#111"/>
    <rect x="${side * 0.38}" y="${side * 0.62}" width="${side * 0.14}" height="${side * 0.03}" fill="#a02020"/></svg>`;
  const { data } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

describe('tiny face detector on onnxruntime', () => {
  let ort: typeof Ort;
  let session: Ort.InferenceSession;
  let faceapi: typeof FaceApi;

  beforeAll(async () => {
    await initEngine();
    ort = await loadOnnxRuntime();
    session = await ort.InferenceSession.create(tinyFaceOnnx(await readTinyFaceWeights(faceModelDir())), { executionProviders: ['cpu'] });
    faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
    await faceapi.nets.tinyFaceDetector.loadFromDisk(faceModelDir());
  });

  for (const side of [416, 224]) {
    it(`gives face-api's head map for the same ${side} px pixels`, async () => {
      const rgb = await pattern(side);
      const input = tf.tensor3d(rgb, [side, side, 3], 'int32');
      const expected = (await faceapi.nets.tinyFaceDetector.forward(input as unknown as FaceApi.tf.Tensor3D, side)) as unknown as tf.Tensor;
      const want = (await expected.data()) as Float32Array;
      const cells = expected.shape[1]!;
      tf.dispose([input, expected]);

      const x = new Float32Array(rgb.length);
      for (let i = 0; i < x.length; i++) x[i] = (rgb[i]! - MEAN_RGB[i % 3]!) / 255;
      const out = await session.run({ [TINY_FACE_INPUT]: new ort.Tensor('float32', x, [1, side, side, 3]) });
      const grid = out[TINY_FACE_OUTPUT]!;
      expect(grid.dims).toEqual([1, cells, cells, 25]);
      expect(cells).toBe(side / 32);
      const got = grid.data as Float32Array;
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < want.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(want[i]!));
      }
      expect(maxAbs).toBeGreaterThan(1);
      expect(maxDiff).toBeLessThan(1e-3 * maxAbs);
    });
  }

  it('decodes a cell as face-api does: sigmoid offsets in the cell, anchor sizes, content corrected', () => {
    const cells = 13;
    const grid = new Float32Array(cells * cells * 25).fill(-10);
    // Cell (row 4, col 6), anchor 1 (6.041143 x 7.080126 cells): offsets 0 → centre of the cell.
    const at = ((4 * cells + 6) * 5 + 1) * 5;
    grid.set([0, 0, 0, 0, 3], at);
    // A 800x600 region at (100, 50) scaled by 416/800: content 416x312, padded at the bottom.
    const boxes = decodeGrid(grid, cells, 416, { w: 416, h: 312 }, { x: 100, y: 50, w: 800, h: 600 }, 0.3);
    expect(boxes).toHaveLength(1);
    const b = boxes[0]!;
    const fx = (416 / 416) * 800;
    const fy = (416 / 312) * 600;
    expect(b.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(b.x + b.w / 2).toBeCloseTo(100 + (6.5 / cells) * fx, 6);
    expect(b.y + b.h / 2).toBeCloseTo(50 + (4.5 / cells) * fy, 6);
    expect(b.w).toBeCloseTo((6.041143 / cells) * fx, 6);
    expect(b.h).toBeCloseTo((7.080126 / cells) * fy, 6);
    // Under the threshold: nothing.
    expect(decodeGrid(grid, cells, 416, { w: 416, h: 312 }, { x: 100, y: 50, w: 800, h: 600 }, 0.96)).toHaveLength(0);
  });

  it('suppresses a box overlapping a better one by IoU over 0.4, keeps the others', () => {
    const kept = suppress([
      { x: 0, y: 0, w: 100, h: 100, score: 0.6 },
      { x: 10, y: 10, w: 100, h: 100, score: 0.9 },
      { x: 60, y: 0, w: 100, h: 100, score: 0.8 },
      { x: 300, y: 300, w: 50, h: 50, score: 0.4 },
    ]);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.8, 0.4]);
  });
});
