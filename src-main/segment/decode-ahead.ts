// Decodes the photos of a batch ahead of the model, in libvips threads, so decoding overlaps with
// the model and the writes. Bounded: at most `ahead` photos decoded or decoding beyond the one
// asked for, and no new decode starts while the decoded ones waiting hold `maxBytes` or more
// (a folder of very large photos does not fill the memory). Photos come out in order; a photo that
// cannot be decoded comes out as its Error.
import { decodePhoto, type Photo } from './decode';

export interface DecodeAheadOptions {
  ahead: number;
  maxBytes: number;
}

export class DecodeAhead {
  private readonly slots = new Map<number, Promise<Photo | Error>>();
  private started = 0;
  private taken = 0;
  private held = 0;

  constructor(
    private readonly files: readonly string[],
    private readonly options: DecodeAheadOptions,
    private readonly decode: (file: string) => Promise<Photo> = decodePhoto,
  ) {}

  /** Decoded photos (or their errors) waiting, and decodes in flight. */
  get pending(): number {
    return this.slots.size;
  }

  /** The next photo in order; throws when every photo was taken. */
  async next(): Promise<Photo | Error> {
    if (this.taken >= this.files.length) throw new RangeError('DecodeAhead: no photos left');
    const index = this.taken++;
    if (!this.slots.has(index)) this.launch(index);
    this.fill();
    const result = await this.slots.get(index)!;
    this.slots.delete(index);
    if (!(result instanceof Error)) this.held -= result.data.byteLength;
    this.fill();
    return result;
  }

  /** Waits for the decodes in flight (after a cancel or a stop), dropping their photos. */
  async drain(): Promise<void> {
    const rest = [...this.slots.values()];
    this.slots.clear();
    this.started = this.files.length;
    await Promise.all(rest);
  }

  private fill(): void {
    while (this.started < this.files.length && this.started - this.taken < this.options.ahead && this.held < this.options.maxBytes) this.launch(this.started);
  }

  private launch(index: number): void {
    this.started = Math.max(this.started, index + 1);
    const file = this.files[index]!;
    const decoding = this.decode(file).then(
      (photo) => {
        if (this.slots.get(index) === decoding) this.held += photo.data.byteLength;
        return photo;
      },
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    this.slots.set(index, decoding);
  }
}
