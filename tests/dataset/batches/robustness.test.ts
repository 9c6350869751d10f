// Pose and camera robustness augmentations: the perspective warp moves photo and mask together,
// low resolution and occlusion change the photo only, each is seeded, and the loader applies them
// from a stream of their own (a config without them gets the batches it always got).
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type AugmentConfig } from '../../../src-main/contract/training';
import { augment, degrade, type Sample } from '../../../src-main/dataset/batches/augment';
import { lowResolution, occlude, perspectiveWarp, robustness } from '../../../src-main/dataset/batches/robustness';
import { rngFor } from '../../../src-main/dataset/batches/rng';
import { normalizeInto } from '../../../src-main/dataset/batches/normalize';
import { BatchLoader, type DataItem } from '../../../src-main/dataset/loader';

const S = 32;
const NONE: AugmentConfig = runConfigSchema.shape.augment.parse({ hflip: false, scale: 0, rotate: 0, shift: 0, colorJitter: 0, rareOversample: 1 });

/** Labels in vertical stripes 4 px wide (class = stripe % 8), photo gray = label / 8, plus a gradient in green. */
function sample(): Sample {
  const labels = new Uint8Array(S * S);
  const rgb = new Float32Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const c = Math.floor(x / 4) % 8;
      labels[y * S + x] = c;
      rgb[(y * S + x) * 3] = c / 8;
      rgb[(y * S + x) * 3 + 1] = y / S;
      rgb[(y * S + x) * 3 + 2] = c / 8;
    }
  }
  return { rgb, labels, size: S };
}

const copy = (s: Sample): Sample => ({ rgb: s.rgb.slice(), labels: s.labels.slice(), size: s.size });

describe('perspective warp', () => {
  it('is the identity at 0, and otherwise squeezes one side: photo and mask moved alike', () => {
    const s = sample();
    const same = perspectiveWarp(s, 0);
    expect(Array.from(same.labels)).toEqual(Array.from(s.labels));
    expect(Array.from(same.rgb)).toEqual(Array.from(s.rgb));
    const warped = perspectiveWarp(s, 0.3);
    expect(warped.rgb.length).toBe(S * S * 3);
    expect(warped.labels.length).toBe(S * S);
    // The centre column stays, the right side (p > 0) comes from farther out: a stripe there narrows.
    const row = S / 2;
    const widthOf = (labels: Uint8Array, cls: number): number => Array.from(labels.subarray(row * S, (row + 1) * S)).filter((l) => l === cls).length;
    expect(widthOf(warped.labels, 6)).toBeLessThan(widthOf(s.labels, 6));
    expect(widthOf(warped.labels, 1)).toBeGreaterThan(widthOf(s.labels, 1));
    // Photo and mask stay together: where the mask says class c (not background from outside), the red channel is c/8.
    let checked = 0;
    for (let i = 0; i < S * S; i++) {
      // Inside a stripe (same label left and right) the bilinear photo and the nearest mask agree.
      const x = i % S;
      if (x === 0 || x === S - 1 || warped.labels[i] === 0 || warped.labels[i - 1] !== warped.labels[i] || warped.labels[i + 1] !== warped.labels[i]) continue;
      expect(warped.rgb[i * 3]!).toBeCloseTo(warped.labels[i]! / 8, 1);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    // The far side's top rows come from outside the source: background in the mask.
    expect(warped.labels[S - 1]).toBe(0);
  });
});

describe('low resolution', () => {
  it('blurs the photo to 2-4x fewer pixels and keeps its shape, range and mean', () => {
    const s = sample();
    const before = s.rgb.slice();
    lowResolution(s, 4);
    expect(s.rgb.length).toBe(S * S * 3);
    expect(Array.from(s.rgb)).not.toEqual(Array.from(before));
    for (const v of s.rgb) expect(v >= 0 && v <= 1).toBe(true);
    const mean = (a: Float32Array): number => a.reduce((t, v) => t + v, 0) / a.length;
    expect(mean(s.rgb)).toBeCloseTo(mean(before), 2);
    // A 4x round trip leaves at most 8 distinct values along a row (plus the bilinear in-betweens it blends).
    const row = Array.from({ length: S }, (_, x) => s.rgb[(5 * S + x) * 3]!);
    const sharpSteps = row.slice(1).filter((v, x) => Math.abs(v - row[x]!) > 0.1).length;
    expect(sharpSteps).toBe(0);
    expect(Array.from(s.labels)).toEqual(Array.from(sample().labels));
  });
});

describe('occlusion', () => {
  it('covers 1-2 rectangles of the photo, never the labels, and changes nothing outside them', () => {
    for (let seed = 0; seed < 6; seed++) {
      const s = sample();
      const before = s.rgb.slice();
      const rects = occlude(s, rngFor('occ', seed));
      expect(rects.length === 1 || rects.length === 2).toBe(true);
      expect(Array.from(s.labels)).toEqual(Array.from(sample().labels));
      const inside = (x: number, y: number): boolean => rects.some((r) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h);
      for (const r of rects) {
        expect(r.w).toBeGreaterThanOrEqual(Math.round(0.1 * S));
        expect(r.w).toBeLessThanOrEqual(Math.round(0.4 * S));
        expect(r.x + r.w).toBeLessThanOrEqual(S);
        expect(r.y + r.h).toBeLessThanOrEqual(S);
      }
      let changed = 0;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const i = (y * S + x) * 3;
          const differs = [0, 1, 2].some((c) => s.rgb[i + c] !== before[i + c]);
          if (!inside(x, y)) expect(differs).toBe(false);
          else if (differs) changed++;
        }
      }
      expect(changed).toBeGreaterThan(0);
      for (const v of s.rgb) expect(v >= 0 && v <= 1).toBe(true);
    }
  });
});

describe('robustness, seeded', () => {
  it('the same seed gives the same sample, another seed another one; all off changes nothing', () => {
    const cfg = { perspective: 1, lowRes: 1, occlusion: 1 };
    const a = robustness(copy(sample()), cfg, rngFor('r', 1));
    const b = robustness(copy(sample()), cfg, rngFor('r', 1));
    const c = robustness(copy(sample()), cfg, rngFor('r', 2));
    expect(Array.from(a.rgb)).toEqual(Array.from(b.rgb));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.rgb)).not.toEqual(Array.from(c.rgb));
    const off = robustness(copy(sample()), { perspective: 0, lowRes: 0, occlusion: 0 }, rngFor('r', 1));
    expect(Array.from(off.rgb)).toEqual(Array.from(sample().rgb));
    expect(Array.from(off.labels)).toEqual(Array.from(sample().labels));
  });

  it('config fields default to off and take shares in [0, 1]', () => {
    expect(runConfigSchema.shape.augment.parse({})).toMatchObject({ perspective: 0, lowRes: 0, occlusion: 0, glassesPaste: 0, rotate: 10, scale: 0.1 });
    expect(runConfigSchema.shape.augment.parse({ rotate: 30, scale: 0.4 })).toMatchObject({ rotate: 30, scale: 0.4 });
    expect(() => runConfigSchema.shape.augment.parse({ occlusion: 1.5 })).toThrow();
  });
});

/** Blocky synthetic items (labels in 8x8 blocks, gray = 30 x label). */
function items(n: number): DataItem[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `img${i}`,
    imageId: i + 1,
    sha256: async () => `hash${i}`,
    async load() {
      const labels = new Uint8Array(S * S);
      const rgb = new Uint8Array(S * S * 3);
      for (let p = 0; p < S * S; p++) {
        const c = (Math.floor((p % S) / 8) + 2 * Math.floor(Math.floor(p / S) / 8) + i) % 7;
        labels[p] = c;
        rgb.fill(c * 30, p * 3, p * 3 + 3);
      }
      return { rgb, labels, width: S, height: S };
    },
  }));
}

describe('the loader with robustness augmentations', () => {
  const base: AugmentConfig = { ...NONE, hflip: true, rotate: 10, colorJitter: 0.2, blur: 0.5 };

  it('without them draws exactly the old augmentation stream; with them, seeded batches that differ', async () => {
    const data = items(4);
    const loader = new BatchLoader(data, { size: S, batchSize: 4, seed: 3, augment: base });
    const [batch] = await (async () => {
      const out = [];
      for await (const b of loader.batches(1)) out.push(b);
      return out;
    })();
    // The same batch computed by hand from the old pipeline (augment, degrade; stream 'aug').
    const order = await loader.epochOrder(1);
    const expected = new Float32Array(4 * S * S * 3);
    for (let k = 0; k < 4; k++) {
      const s = await loader.cache.get(data[order[k]!]!);
      const rng = rngFor(3, 'aug', 1, 0, k);
      const out = augment(s.rgb, s.labels, S, base, rng);
      await degrade(out, base, rng);
      normalizeInto(out.rgb, expected, k * S * S * 3, true);
    }
    expect(Array.from(batch!.x)).toEqual(Array.from(expected));

    const withLevers = { ...base, perspective: 1, lowRes: 1, occlusion: 1 };
    const first = await collect(new BatchLoader(data, { size: S, batchSize: 4, seed: 3, augment: withLevers }));
    const again = await collect(new BatchLoader(data, { size: S, batchSize: 4, seed: 3, augment: withLevers }));
    expect(first.x).toEqual(again.x);
    expect(first.y).toEqual(again.y);
    expect(first.x).not.toEqual(Array.from(batch!.x));
    expect(first.y.length).toBe(4 * S * S);
  });
});

async function collect(loader: BatchLoader): Promise<{ x: number[]; y: number[] }> {
  for await (const b of loader.batches(1)) return { x: Array.from(b.x), y: Array.from(b.y) };
  throw new Error('no batch');
}
