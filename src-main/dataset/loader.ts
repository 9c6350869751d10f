// Training and evaluation batches: from a project or a labelled folder (`--data DIR --preset`),
// decoded once at the model's input size, drawn in a seeded order that over-samples images with a
// rare class (eyeglasses are in 6% of images), augmented identically on photo and mask, and
// normalised as the models expect. Batch b of epoch e is a pure function of (seed, e, b).
import type { AugmentConfig } from '../contract/training';
import { augment } from './batches/augment';
import { SampleCache, type SizedSample } from './batches/cache';
import { normalizeInto } from './batches/normalize';
import { rngFor, shuffle } from './batches/rng';
import type { DataItem } from './batches/sources';

export { openDataSource, type DataItem, type DataSplits, type FullSample } from './batches/sources';
export { SampleCache } from './batches/cache';
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
}

export class BatchLoader {
  readonly cache: SampleCache;

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
    const samples = await this.cache.warm(this.items);
    const order: number[] = [];
    const repeats = Math.max(1, Math.round(aug.rareOversample));
    samples.forEach((s, i) => {
      const k = s.classes & (1 << RARE_CLASS) ? repeats : 1;
      for (let r = 0; r < k; r++) order.push(i);
    });
    return shuffle(order, rngFor(this.options.seed, 'order', epoch));
  }

  async batchCount(epoch: number): Promise<number> {
    const n = Math.ceil((await this.epochOrder(epoch)).length / this.options.batchSize);
    const cap = this.options.maxBatches ?? 0;
    return cap > 0 ? Math.min(cap, n) : n;
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
    samples.forEach((s, k) => {
      if (aug) {
        const out = augment(s.rgb, s.labels, size, aug, rngFor(seed, 'aug', epoch, b, k));
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
