// Training and evaluation batches: from a project or a labelled folder (`--data DIR --preset`),
// decoded once at the model's input size, drawn in a seeded order that over-samples images with a
// rare class (eyeglasses are in 6% of images), augmented identically on photo and mask, and
// normalised as the models expect. Batch b of epoch e is a pure function of (seed, e, b).
import type { AugmentConfig } from '../contract/training';
import { augment, degrade } from './batches/augment';
import { maybePasteGlasses, type PasteSample } from './batches/glasses-paste';
import { robustness } from './batches/robustness';
import { SampleCache, type SizedSample } from './batches/cache';
import { normalizeInto } from './batches/normalize';
import { rngFor, shuffle } from './batches/rng';
import type { DataItem } from './batches/sources';

export { openDataSource, type DataItem, type DataSplits, type FullSample } from './batches/sources';
export { SampleCache } from './batches/cache';
export { chooseHeldOut, withHeldOut, type HoldOutRule } from './batches/holdout';
export { normalizeInto, RGB_MEAN, RGB_STD } from './batches/normalize';
export { resizeRgb, resizeLabelsNearest } from './batches/resize';

/** Eyeglasses: the class that over-sampling favours. */
export const RARE_CLASS = 7;

export interface Batch {
  /** Normalised RGB, [n, size, size, 3] row-major. */
  x: Float32Array;
  /** Class indices, [n, size, size]. */
  y: Int32Array;
  n: number;
  size: number;
  items: DataItem[];
}

export interface LoaderOptions {
  size: number;
  batchSize: number;
  seed: number;
  /** Null: no augmentation, no shuffling, no over-sampling (validation and evaluation). */
  augment: AugmentConfig | null;
  /** Cap on batches per epoch; 0 = all. */
  maxBatches?: number;
  /**
   * Items from this index on are a replay set: each epoch draws `replayShare` of its images from
   * them (seeded by epoch, with repeats when the set is small) beside every image before it.
   */
  replayFrom?: number;
  replayShare?: number;
}

export class BatchLoader {
  readonly cache: SampleCache;
  private donors: Promise<PasteSample[]> | null = null;

  constructor(
    readonly items: DataItem[],
    readonly options: LoaderOptions,
    cache?: SampleCache,
  ) {
    if (items.length === 0) throw new Error('no labelled images to load');
    this.cache = cache ?? new SampleCache(options.size);
  }

  /** Indices of the items in epoch order. Training: each image once, rare-class images
   * `rareOversample` times (rounded), shuffled by (seed, epoch). Evaluation: in order. */
  async epochOrder(epoch: number): Promise<number[]> {
    const aug = this.options.augment;
    if (!aug) return this.items.map((_, i) => i);
    const own = this.options.replayFrom ?? this.items.length;
    const samples = await this.cache.warm(this.items.slice(0, own));
    const order: number[] = [];
    const repeats = Math.max(1, Math.round(aug.rareOversample));
    samples.forEach((s, i) => {
      const k = s.classes & (1 << RARE_CLASS) ? repeats : 1;
      for (let r = 0; r < k; r++) order.push(i);
    });
    const pool = this.items.length - own;
    const share = this.options.replayShare ?? 0;
    if (pool > 0 && share > 0) {
      // share = replay / (own + replay)
      const draws = Math.max(1, Math.round((order.length * share) / (1 - share)));
      const pick = rngFor(this.options.seed, 'replay', epoch);
      for (let r = 0; r < draws; r++) order.push(own + Math.floor(pick() * pool));
    }
    return shuffle(order, rngFor(this.options.seed, 'order', epoch));
  }

  async batchCount(epoch: number): Promise<number> {
    const n = Math.ceil((await this.epochOrder(epoch)).length / this.options.batchSize);
    const cap = this.options.maxBatches ?? 0;
    return cap > 0 ? Math.min(cap, n) : n;
  }

  /** The own (not replay) training samples holding eyeglasses: what glasses copy-paste draws from. */
  private glassesDonors(): Promise<PasteSample[]> {
    this.donors ??= this.cache.warm(this.items.slice(0, this.options.replayFrom ?? this.items.length)).then((all) => all.filter((s) => s.classes & (1 << RARE_CLASS)));
    return this.donors;
  }

  /** The batches of an epoch, one decode ahead. */
  async *batches(epoch: number): AsyncGenerator<Batch> {
    const order = await this.epochOrder(epoch);
    const count = await this.batchCount(epoch);
    const make = (b: number): Promise<Batch> => this.makeBatch(order.slice(b * this.options.batchSize, (b + 1) * this.options.batchSize), epoch, b);
    let pending = count > 0 ? make(0) : null;
    for (let b = 0; b < count; b++) {
      const batch = await pending!;
      pending = b + 1 < count ? make(b + 1) : null;
      yield batch;
    }
  }

  private async makeBatch(indices: number[], epoch: number, b: number): Promise<Batch> {
    const { size, augment: aug, seed } = this.options;
    const pixels = size * size;
    const x = new Float32Array(indices.length * pixels * 3);
    const y = new Int32Array(indices.length * pixels);
    const samples: SizedSample[] = await Promise.all(indices.map((i) => this.cache.get(this.items[i]!)));
    const donors = aug && aug.glassesPaste > 0 ? await this.glassesDonors() : [];
    const augmented = aug
      ? await Promise.all(
          samples.map(async (s, k) => {
            const rng = rngFor(seed, 'aug', epoch, b, k);
            // Glasses paste and the robustness augmentations draw from a stream of their own,
            // so a config without them gets exactly the batches it always got.
            const extra = rngFor(seed, 'aug-extra', epoch, b, k);
            const src = maybePasteGlasses(s, (s.classes & (1 << RARE_CLASS)) !== 0, donors, size, aug.glassesPaste, extra);
            const out = augment(src.rgb, src.labels, size, aug, rng);
            await degrade(out, aug, rng);
            return robustness(out, aug, extra);
          }),
        )
      : null;
    samples.forEach((s, k) => {
      if (augmented) {
        const out = augmented[k]!;
        normalizeInto(out.rgb, x, k * pixels * 3, true);
        y.set(out.labels, k * pixels);
      } else {
        normalizeInto(s.rgb, x, k * pixels * 3);
        y.set(s.labels, k * pixels);
      }
    });
    return { x, y, n: indices.length, size, items: indices.map((i) => this.items[i]!) };
  }
}
