// Samples decoded once and kept at the model's input size (a 256px sample is 256 KB), so every
// epoch after the first costs only augmentation. Also records which classes each sample holds,
// for rare-class over-sampling.
import type { DataItem } from './sources';
import { resizeLabelsNearest, resizeRgb } from './resize';

export interface SizedSample {
  rgb: Uint8Array;
  labels: Uint8Array;
  /** Bit c set when class c occurs in the (resized) labels. */
  classes: number;
}

export class SampleCache {
  private readonly entries = new Map<DataItem, Promise<SizedSample>>();

  constructor(readonly size: number) {}

  get(item: DataItem): Promise<SizedSample> {
    let entry = this.entries.get(item);
    if (!entry) {
      entry = this.load(item);
      // A failed load is not cached: the error surfaces now and a retry reads the file again.
      entry.catch(() => this.entries.delete(item));
      this.entries.set(item, entry);
    }
    return entry;
  }

  /** Loads every item (a few at a time: sharp decodes on its own threads). */
  async warm(items: DataItem[], onProgress?: (done: number, total: number) => void): Promise<SizedSample[]> {
    const out: SizedSample[] = new Array(items.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        out[i] = await this.get(items[i]!);
        onProgress?.(++done, items.length);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return out;
  }

  private async load(item: DataItem): Promise<SizedSample> {
    const full = await item.load();
    const rgb = await resizeRgb(full.rgb, full.width, full.height, this.size);
    const labels = resizeLabelsNearest(full.labels, full.width, full.height, this.size);
    let classes = 0;
    for (let i = 0; i < labels.length; i++) classes |= 1 << labels[i]!;
    return { rgb, labels, classes };
  }
}
