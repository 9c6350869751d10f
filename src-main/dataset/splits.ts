// Train/val/test assignment: seeded (same names + seed → same splits, whatever the file order)
// and stratified by class presence so that rare classes (eyeglasses, ears) reach every split.
// Greedy iterative stratification: images with the rarest classes are placed first, each into
// the split that most lacks its rarest class, then the split that most lacks images. Imports use
// the one-at-a-time form (IncrementalSplits) so that each image takes its split in its insert.
import { createHash } from 'node:crypto';
import type { Split } from '../contract/project';

export const ASSIGNABLE_SPLITS = ['train', 'val', 'test'] as const;
export type AssignableSplit = (typeof ASSIGNABLE_SPLITS)[number];
export type SplitRatios = Record<AssignableSplit, number>;

export const DEFAULT_RATIOS: SplitRatios = { train: 0.8, val: 0.1, test: 0.1 };

export interface SplitCandidate {
  id: number;
  name: string;
  /** Bit c set when the image's mask contains class c. */
  classes: number;
}

export interface PlacedImage {
  split: Split;
  classes: number;
}

/** Parses `80/10/10`, `0.8,0.1,0.1` or `8:1:1` (train, val, test); they are normalised to sum 1. */
export function parseSplitRatios(text: string): SplitRatios {
  const parts = text.split(/[/,:]/).map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0) || parts.reduce((a, b) => a + b, 0) <= 0) {
    throw new Error(`not a split like 80/10/10 (train/val/test): ${text}`);
  }
  const sum = parts.reduce((a, b) => a + b, 0);
  return { train: parts[0]! / sum, val: parts[1]! / sum, test: parts[2]! / sum };
}

function rank(seed: number, name: string): number {
  return createHash('sha256').update(`${seed}:${name}`).digest().readUInt32BE(0);
}

/** Per-split counts of images and of images holding each class, shared by both assigners. */
class SplitTally {
  readonly total = new Array<number>(8).fill(0);
  readonly have = new Map(ASSIGNABLE_SPLITS.map((s) => [s, new Array<number>(8).fill(0)]));
  readonly count = new Map(ASSIGNABLE_SPLITS.map((s) => [s, 0]));

  constructor(readonly ratios: SplitRatios) {}

  countClasses(classes: number): void {
    for (let c = 1; c < 8; c++) if (classes & (1 << c)) this.total[c]!++;
  }

  add(split: AssignableSplit, classes: number): void {
    this.count.set(split, this.count.get(split)! + 1);
    for (let c = 1; c < 8; c++) if (classes & (1 << c)) this.have.get(split)![c]!++;
  }

  /** The rarest class (by total) among `classes`, or -1 for background only. */
  rarest(classes: number): number {
    let best = -1;
    for (let c = 1; c < 8; c++) if (classes & (1 << c) && (best < 0 || this.total[c]! < this.total[best]!)) best = c;
    return best;
  }

  /** The split that most lacks the image's rarest class, then the one that most lacks images. */
  pick(rare: number, imageCount: number): AssignableSplit {
    const activeSplits = ASSIGNABLE_SPLITS.filter((s) => this.ratios[s] > 0).length;
    let best: AssignableSplit = 'train';
    let bestScore: [number, number] = [-Infinity, -Infinity];
    for (const s of ASSIGNABLE_SPLITS) {
      if (this.ratios[s] <= 0) continue;
      // Relative shortfall of the rarest class, with a target of at least one image per split
      // whenever the class has enough images for every split: so 3 glasses still reach val and test.
      let classNeed = 0;
      if (rare >= 0) {
        const total = this.total[rare]!;
        const target = total >= activeSplits ? Math.max(1, this.ratios[s] * total) : this.ratios[s] * total;
        classNeed = (target - this.have.get(s)![rare]!) / target;
      }
      const imageNeed = this.ratios[s] * imageCount - this.count.get(s)!;
      if (classNeed > bestScore[0] || (classNeed === bestScore[0] && imageNeed > bestScore[1])) {
        best = s;
        bestScore = [classNeed, imageNeed];
      }
    }
    return best;
  }
}

/**
 * Splits for `candidates`, given the images already placed (they keep their split and count
 * towards the targets). Background (class 0) is ignored: nearly every image has it.
 */
export function assignSplits(candidates: SplitCandidate[], placed: PlacedImage[], options: { seed: number; ratios: SplitRatios }): Map<number, AssignableSplit> {
  const tally = new SplitTally(options.ratios);
  for (const p of placed) {
    tally.countClasses(p.classes);
    if (p.split !== 'unassigned') tally.add(p.split, p.classes);
  }
  for (const cand of candidates) tally.countClasses(cand.classes);
  const imageCount = placed.filter((p) => p.split !== 'unassigned').length + candidates.length;
  const order = candidates
    .map((cand) => ({ cand, rare: tally.rarest(cand.classes), key: rank(options.seed, cand.name) }))
    .sort((a, b) => {
      const ra = a.rare < 0 ? Infinity : tally.total[a.rare]!;
      const rb = b.rare < 0 ? Infinity : tally.total[b.rare]!;
      return ra - rb || a.key - b.key || (a.cand.name < b.cand.name ? -1 : 1);
    });
  const out = new Map<number, AssignableSplit>();
  for (const { cand, rare } of order) {
    const best = tally.pick(rare, imageCount);
    out.set(cand.id, best);
    tally.add(best, cand.classes);
  }
  return out;
}

/**
 * One image at a time, for an import that gives each new image its split in the transaction that
 * inserts it (so a killed import leaves no image unassigned). Stratified like assignSplits against
 * everything placed so far; the caller feeds images in `seededOrder` so that the result depends
 * on the names and the seed only.
 */
export class IncrementalSplits {
  private readonly tally: SplitTally;
  private imageCount = 0;

  constructor(placed: PlacedImage[], ratios: SplitRatios) {
    this.tally = new SplitTally(ratios);
    for (const p of placed) {
      this.tally.countClasses(p.classes);
      if (p.split !== 'unassigned') {
        this.tally.add(p.split, p.classes);
        this.imageCount++;
      }
    }
  }

  /** Counts an image whose split was chosen elsewhere (fixed by the user). */
  place(split: AssignableSplit, classes: number): void {
    this.tally.countClasses(classes);
    this.tally.add(split, classes);
    this.imageCount++;
  }

  /** The split for a new image with these classes; counted as placed from now on. */
  assign(classes: number): AssignableSplit {
    this.tally.countClasses(classes);
    this.imageCount++;
    const split = this.tally.pick(this.tally.rarest(classes), this.imageCount);
    this.tally.add(split, classes);
    return split;
  }
}

/** `names` in the order a seed gives them (the same whatever order they come in). */
export function seededOrder<T>(items: T[], name: (item: T) => string, seed: number): T[] {
  return items
    .map((item) => ({ item, key: rank(seed, name(item)), name: name(item) }))
    .sort((a, b) => a.key - b.key || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => e.item);
}
