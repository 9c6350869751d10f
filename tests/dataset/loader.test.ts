// The training loader: seeded batches, augmentation that moves photo and mask together,
// rare-class over-sampling, and reading a labelled folder in place.
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type AugmentConfig } from '../../src-main/contract/training';
import { augment, degrade } from '../../src-main/dataset/batches/augment';
import { chooseHeldOut } from '../../src-main/dataset/batches/holdout';
import { rngFor } from '../../src-main/dataset/batches/rng';
import { BatchLoader, openDataSource, RARE_CLASS, type DataItem } from '../../src-main/dataset/loader';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';

const NONE: AugmentConfig = { hflip: false, scale: 0, rotate: 0, shift: 0, colorJitter: 0, rareOversample: 1, grayscale: 0, blur: 0, jpeg: 0, perspective: 0, lowRes: 0, occlusion: 0, glassesPaste: 0 };
const S = 32;

/** A blocky synthetic sample: labels in 8x8 blocks, the photo's gray level = 30 x label. */
function synthetic(seed: number, withRare = false): { rgb: Uint8Array; labels: Uint8Array } {
  const labels = new Uint8Array(S * S);
  const rgb = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let c = (Math.floor(x / 8) + 2 * Math.floor(y / 8) + seed) % 7;
      if (withRare && x >= 8 && x < 16 && y >= 8 && y < 16) c = RARE_CLASS;
      labels[y * S + x] = c;
      rgb.fill(c * 30, (y * S + x) * 3, (y * S + x) * 3 + 3);
    }
  }
  return { rgb, labels };
}

function items(n: number, rare: number[] = []): DataItem[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `img${i}`,
    sha256: async () => `hash${i}`,
    imageId: i + 1,
    async load() {
      const s = synthetic(i, rare.includes(i));
      return { ...s, width: S, height: S };
    },
  }));
}

async function allBatches(loader: BatchLoader, epoch: number) {
  const out = [];
  for await (const b of loader.batches(epoch)) out.push(b);
  return out;
}

describe('augmentation', () => {
  it('a horizontal flip mirrors photo and mask alike', () => {
    const { rgb, labels } = synthetic(1);
    const flipAlways = () => 0; // rng() < 0.5 → flip; zero ranges elsewhere
    const out = augment(rgb, labels, S, { ...NONE, hflip: true }, flipAlways);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const src = y * S + (S - 1 - x);
        expect(out.labels[y * S + x]).toBe(labels[src]);
        expect(Math.round(out.rgb[(y * S + x) * 3]! * 255)).toBe(rgb[src * 3]);
      }
    }
  });

  it('scale, rotation and shift move photo and mask together', () => {
    const { rgb, labels } = synthetic(2);
    const cfg: AugmentConfig = { hflip: true, scale: 0.2, rotate: 30, shift: 0.1, colorJitter: 0, rareOversample: 1, grayscale: 0, blur: 0, jpeg: 0, perspective: 0, lowRes: 0, occlusion: 0, glassesPaste: 0 };
    let checked = 0;
    for (let trial = 0; trial < 5; trial++) {
      const out = augment(rgb, labels, S, cfg, rngFor('t', trial));
      expect(Array.from(out.labels)).not.toEqual(Array.from(labels));
      for (let y = 2; y < S - 2; y++) {
        for (let x = 2; x < S - 2; x++) {
          // Away from label edges the photo's gray level must name the mask's label.
          const c = out.labels[y * S + x]!;
          let uniform = true;
          for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) uniform &&= out.labels[(y + dy) * S + x + dx] === c;
          if (!uniform || c === 0) continue;
          expect(Math.round((out.rgb[(y * S + x) * 3]! * 255) / 30)).toBe(c);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('colour jitter changes the photo only, within [0, 1]', () => {
    const { rgb, labels } = synthetic(3);
    const out = augment(rgb, labels, S, { ...NONE, colorJitter: 0.3 }, rngFor('c', 1));
    expect(Array.from(out.labels)).toEqual(Array.from(labels));
    const values = Array.from(out.rgb);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(values.some((v, i) => Math.abs(v - rgb[i]! / 255) > 0.01)).toBe(true);
  });
});

describe('camera-like degradations', () => {
  it('grayscale, blur and JPEG change the photo only (never the mask), each when drawn', async () => {
    const { rgb, labels } = synthetic(3);
    const base = augment(rgb, labels, S, NONE, rngFor(1));
    const gray = augment(rgb, labels, S, NONE, rngFor(1));
    await degrade(gray, { ...NONE, grayscale: 1 }, rngFor(2));
    for (let i = 0; i < S * S; i++) {
      expect(gray.rgb[3 * i]).toBeCloseTo(gray.rgb[3 * i + 1]!, 6);
      expect(gray.rgb[3 * i]).toBeCloseTo(gray.rgb[3 * i + 2]!, 6);
    }
    for (const cfg of [{ blur: 1 }, { jpeg: 1 }]) {
      const out = augment(rgb, labels, S, NONE, rngFor(1));
      await degrade(out, { ...NONE, ...cfg }, rngFor(2));
      expect(Array.from(out.rgb), JSON.stringify(cfg)).not.toEqual(Array.from(base.rgb));
      expect(Array.from(out.labels)).toEqual(Array.from(base.labels));
      for (const v of out.rgb) expect(v >= 0 && v <= 1).toBe(true);
    }
    const untouched = augment(rgb, labels, S, NONE, rngFor(1));
    await degrade(untouched, { ...NONE, grayscale: 0, blur: 0, jpeg: 0 }, rngFor(2));
    expect(Array.from(untouched.rgb)).toEqual(Array.from(base.rgb));
  });
});

describe('validation held out of small data', () => {
  it('20% but at least 4, by name hash: the same names every time, none when too few', () => {
    const names = Array.from({ length: 40 }, (_, i) => `photo${i}`);
    const held = chooseHeldOut(names, { share: 0.2, min: 4 });
    expect(held).toHaveLength(8);
    expect(chooseHeldOut([...names].reverse(), { share: 0.2, min: 4 })).toEqual(held);
    expect(chooseHeldOut(names.slice(0, 10), { share: 0.2, min: 4 })).toHaveLength(4);
    expect(chooseHeldOut(names.slice(0, 7), { share: 0.2, min: 4 })).toEqual([]);
    expect(chooseHeldOut(names, { share: 0, min: 4 })).toEqual([]);
  });
});

describe('batch loader', () => {
  const opts = { size: S, batchSize: 4, seed: 5, augment: { ...NONE, hflip: true, rotate: 10, colorJitter: 0.2 } };

  it('gives the same batches for the same seed and epoch, others for another epoch', async () => {
    const data = items(10);
    const a = await allBatches(new BatchLoader(data, opts), 1);
    const b = await allBatches(new BatchLoader(data, opts), 1);
    const c = await allBatches(new BatchLoader(data, opts), 2);
    expect(a.map((x) => x.n)).toEqual([4, 4, 2]);
    expect(a[0]!.x.length).toBe(4 * S * S * 3);
    expect(a[0]!.y.length).toBe(4 * S * S);
    expect(a.map((x) => Array.from(x.x))).toEqual(b.map((x) => Array.from(x.x)));
    expect(a.map((x) => Array.from(x.y))).toEqual(b.map((x) => Array.from(x.y)));
    expect(a.map((x) => Array.from(x.y))).not.toEqual(c.map((x) => Array.from(x.y)));
  });

  it('over-samples images that hold the rare class', async () => {
    const loader = new BatchLoader(items(10, [2, 7]), { ...opts, augment: { ...opts.augment, rareOversample: 3 } });
    const order = await loader.epochOrder(1);
    expect(order).toHaveLength(14);
    expect(order.filter((i) => i === 2)).toHaveLength(3);
    expect(order.filter((i) => i === 7)).toHaveLength(3);
    expect(order.filter((i) => i === 0)).toHaveLength(1);
  });

  it('mixes in a replay set at its share of each epoch, seeded', async () => {
    const data = items(12);
    const loader = new BatchLoader(data, { ...opts, augment: { ...opts.augment, rareOversample: 1 }, replayFrom: 8, replayShare: 0.2 });
    const order = await loader.epochOrder(1);
    // 8 own images once each, plus 2 replay draws (2 / 10 = 0.2)
    expect(order).toHaveLength(10);
    expect(order.filter((i) => i < 8).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(order.filter((i) => i >= 8)).toHaveLength(2);
    expect(await loader.epochOrder(1)).toEqual(order);
    const without = new BatchLoader(data.slice(0, 8), { ...opts, augment: { ...opts.augment, rareOversample: 1 } });
    expect(await without.epochOrder(1)).toHaveLength(8);
  });

  it('evaluation batches keep order and pixels (normalised), and caps apply', async () => {
    const data = items(5);
    const plain = await allBatches(new BatchLoader(data, { size: S, batchSize: 2, seed: 0, augment: null }), 0);
    expect(plain.flatMap((b) => b.items.map((i) => i.name))).toEqual(['img0', 'img1', 'img2', 'img3', 'img4']);
    expect(Array.from(plain[0]!.y.subarray(0, S * S))).toEqual(Array.from(synthetic(0).labels));
    // Pixel 0 of img0 has label 0 → gray 0 → (0 - mean) / std.
    expect(plain[0]!.x[0]).toBeCloseTo(-0.485 / 0.229, 5);
    const capped = new BatchLoader(data, { ...opts, maxBatches: 1 });
    expect(await capped.batchCount(1)).toBe(1);
    expect(await allBatches(capped, 1)).toHaveLength(1);
  });
});

describeWith([needsData()], 'loader on a real labelled folder', () => {
  it('reads images and preset-mapped masks in place, every 5th (sorted) to val', async () => {
    const source = runConfigSchema.shape.data.parse({ kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 10 });
    const splits = await openDataSource(source);
    expect(splits.train).toHaveLength(8);
    expect(splits.val).toHaveLength(2);
    const names = [...splits.train, ...splits.val].map((i) => i.name).sort();
    expect(splits.val.map((i) => i.name)).toEqual([names[4], names[9]]);
    const [batch] = await allBatches(new BatchLoader(splits.val, { size: 64, batchSize: 2, seed: 0, augment: null }), 0);
    expect(batch!.n).toBe(2);
    const classes = new Set(Array.from(batch!.y));
    // Faces: background, skin, nose at least; never a value outside 0..7.
    for (const c of [0, 1, 4]) expect(classes.has(c)).toBe(true);
    expect(Math.max(...classes)).toBeLessThan(8);
  });
});
