// The confusion matrix accumulated over a dataset, batch by batch: the only statistic the
// metrics need (TP, FP, FN per class are its diagonal, column and row remainders).
export class ConfusionMatrix {
  readonly counts: Float64Array;

  constructor(readonly numClasses: number) {
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Adds pixels: `truth[i]` and `pred[i]` are class indices. */
  add(truth: ArrayLike<number>, pred: ArrayLike<number>): this {
    if (truth.length !== pred.length) throw new Error(`confusion: ${truth.length} truth pixels vs ${pred.length} predicted`);
    const k = this.numClasses;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i]!;
      const p = pred[i]!;
      if (t < 0 || t >= k || p < 0 || p >= k) throw new Error(`confusion: class index out of range at pixel ${i}: truth ${t}, predicted ${p}`);
      this.counts[t * k + p]! += 1;
    }
    return this;
  }

  merge(other: ConfusionMatrix): this {
    if (other.numClasses !== this.numClasses) throw new Error('confusion: class counts differ');
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    return this;
  }

  get(truth: number, pred: number): number {
    return this.counts[truth * this.numClasses + pred]!;
  }

  /** Per class: true positives, false positives (predicted, not true), false negatives. */
  stats(): { tp: number[]; fp: number[]; fn: number[] } {
    const k = this.numClasses;
    const tp: number[] = [];
    const fp: number[] = [];
    const fn: number[] = [];
    for (let c = 0; c < k; c++) {
      let row = 0;
      let col = 0;
      for (let j = 0; j < k; j++) {
        row += this.get(c, j);
        col += this.get(j, c);
      }
      const diag = this.get(c, c);
      tp.push(diag);
      fp.push(col - diag);
      fn.push(row - diag);
    }
    return { tp, fp, fn };
  }

  toRows(): number[][] {
    const k = this.numClasses;
    return Array.from({ length: k }, (_, t) => Array.from({ length: k }, (_, p) => this.get(t, p)));
  }

  /** From counts laid out as `counts` is (truth-major, k·k). */
  static fromCounts(numClasses: number, counts: ArrayLike<number>): ConfusionMatrix {
    if (counts.length !== numClasses * numClasses) throw new Error(`confusion: ${counts.length} counts for ${numClasses} classes`);
    const m = new ConfusionMatrix(numClasses);
    m.counts.set(counts);
    return m;
  }

  static fromRows(rows: number[][]): ConfusionMatrix {
    const m = new ConfusionMatrix(rows.length);
    rows.forEach((row, t) => row.forEach((v, p) => (m.counts[t * rows.length + p] = v)));
    return m;
  }
}
