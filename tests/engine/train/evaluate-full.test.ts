// Evaluation at the photo's own resolution: probabilities resized bilinearly exactly as
// `facet segment` resizes them, scored against the full-size masks; identical to the model-size
// evaluation when the photos are at the model's size; and on the real data through evaluateSaved
// (full-size pixel counts, the flip recorded, the bundled model's figures in range).
import { describe, expect, it, beforeAll } from 'vitest';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { BatchLoader, type DataItem } from '../../../src-main/dataset/loader';
import { initEngine } from '../../../src-main/engine/backend/index';
import { evaluate } from '../../../src-main/engine/train/evaluate';
import { evaluateFullResolution, upsampleArgmax } from '../../../src-main/engine/train/evaluate-full';
import { evaluateSaved } from '../../../src-main/engine/train/eval-run';
import { tf } from '../../../src-main/engine/tf';
import { resizeArgmax } from '../../../src-main/segment/resize-argmax';
import { tinyModel } from '../../segment/model-fixture';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';

beforeAll(async () => {
  await initEngine();
});

/** Items whose photos are `w`x`h`: smooth colour ramps, labels in bands (class = band % 8). */
function items(n: number, w: number, h: number): DataItem[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `img${i}`,
    imageId: i + 1,
    sha256: async () => `h${i}`,
    async load() {
      const rgb = new Uint8Array(w * h * 3);
      const labels = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const p = y * w + x;
          labels[p] = (Math.floor((x * 5) / w) + Math.floor((y * 3) / h) + i) % 8;
          rgb.set([(x * 255) / w, (y * 255) / h, (labels[p]! * 30 + i * 7) % 256], p * 3);
        }
      }
      return { rgb, labels, width: w, height: h };
    },
  }));
}

describe('upsampleArgmax', () => {
  it('gives the labels segment gives: bilinear, half-pixel centres, then argmax', async () => {
    const size = 8;
    const probs = tf.randomUniform([size, size, 8], 0, 1, 'float32', 11) as tf.Tensor3D;
    const data = (await probs.data()) as Float32Array;
    for (const [w, h] of [[20, 13], [8, 8], [33, 64]] as const) {
      const labelsT = upsampleArgmax(probs, w, h);
      expect(labelsT.shape).toEqual([h, w]);
      const ours = Array.from(await labelsT.data());
      const theirs = Array.from(resizeArgmax({ data, size, classes: 8 }, { x: 0, y: 0, w, h }, w, h));
      const same = ours.filter((v, i) => v === theirs[i]).length;
      // Float32 against float64 blending may split a near tie; all else agrees.
      expect(same / ours.length).toBeGreaterThan(0.995);
      labelsT.dispose();
    }
    probs.dispose();
  });
});

describe('evaluateFullResolution', () => {
  it('at the model\'s size it scores exactly what the model-size evaluation scores', async () => {
    const { model } = await tinyModel(32);
    const data = items(3, 32, 32);
    const loader = new BatchLoader(data, { size: 32, batchSize: 2, seed: 0, augment: null });
    const full = await evaluateFullResolution(model, loader, { classNames: CLASS_NAMES });
    const plain = await evaluate(model, loader, { classNames: CLASS_NAMES });
    expect(full.metrics.confusion).toEqual(plain.metrics.confusion);
    expect(full.perImage.map((p) => p.name)).toEqual(['img0', 'img1', 'img2']);
    for (const [i, p] of full.perImage.entries()) {
      expect(p.f1Face).toBeCloseTo(plain.perImage[i]!.f1Face, 10);
      expect(p.meanEntropy).toBeCloseTo(plain.perImage[i]!.meanEntropy, 4);
    }
    model.dispose();
  });

  it('on larger photos it scores every photo pixel against the full-size mask (with and without flip)', async () => {
    const { model } = await tinyModel(32);
    const data = items(3, 96, 64);
    const loader = new BatchLoader(data, { size: 32, batchSize: 2, seed: 0, augment: null });
    const pixels = (m: number[][]): number => m.flat().reduce((a, b) => a + b, 0);
    const full = await evaluateFullResolution(model, loader, { classNames: CLASS_NAMES });
    const flipped = await evaluateFullResolution(model, loader, { classNames: CLASS_NAMES, flip: true });
    const plain = await evaluate(model, loader, { classNames: CLASS_NAMES });
    expect(full.images).toBe(3);
    expect(pixels(full.metrics.confusion)).toBe(3 * 96 * 64);
    expect(pixels(plain.metrics.confusion)).toBe(3 * 32 * 32);
    // Rows of the confusion are the truth: the full-size mask's class counts.
    const truth = new Array<number>(8).fill(0);
    for (const item of data) for (const l of (await item.load()).labels) truth[l]!++;
    expect(full.metrics.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(truth);
    expect(flipped.metrics.confusion).not.toEqual(full.metrics.confusion);
    expect(full.inferenceSeconds).toBeGreaterThan(0);
    model.dispose();
  });
});

describeWith([needsData()], 'evaluateSaved at full resolution on the real data', () => {
  it('the bundled model on 2 val photos: 512x512 pixels each, figures in range, flip recorded', async () => {
    const data = { kind: 'folder' as const, dir: celebaDir(), preset: 'celebamask-hq', valEvery: 5, limit: 10 };
    const base = { model: 'default', data, split: 'val' as const, backend: 'test' };
    const full = await evaluateSaved({ ...base, fullResolution: true, flip: true });
    const small = await evaluateSaved({ ...base });
    expect(full.images).toBe(2);
    expect(full).toMatchObject({ fullResolution: true, flip: true, inputSize: 256 });
    expect(small).toMatchObject({ fullResolution: false, flip: false });
    const pixels = (m: number[][]): number => m.flat().reduce((a, b) => a + b, 0);
    expect(pixels(full.metrics.confusion)).toBe(2 * 512 * 512);
    expect(pixels(small.metrics.confusion)).toBe(2 * 256 * 256);
    expect(full.metrics.meanF1Face).toBeGreaterThan(0.75);
    expect(small.metrics.meanF1Face).toBeGreaterThan(0.75);
    expect(full.inferenceSeconds).toBeGreaterThan(0);
  });
});
