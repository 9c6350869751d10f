// Train/val/test assignment: seeded (same names + seed → same splits, whatever the file order)
// and stratified by class presence so that rare classes (eyeglasses, ears) reach every split.
// Greedy iterative stratification: images with the rarest classes are placed first, each into
// the split that most lacks its rarest class, then the split that most lacks images.
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

/**
 * Splits for `candidates`, given the images already placed (they keep their split and count
 * towards the targets). Background (class 0) is ignored: nearly every image has it.
 */
export function assignSplits(candidates: SplitCandidate[], placed: PlacedImage[], options: { seed: number; ratios: SplitRatios }): Map<number, AssignableSplit> {
  const splits = ASSIGNABLE_SPLITS;
  const total = new Array<number>(8).fill(0);
  const have = new Map(splits.map((s) => [s, new Array<number>(8).fill(0)]));
  const count = new Map(splits.map((s) => [s, 0]));
  const add = (split: AssignableSplit, classes: number): void => {
    count.set(split, count.get(split)! + 1);
    for (let c = 1; c < 8; c++) if (classes & (1 << c)) have.get(split)![c]!++;
  };
  for (const p of placed) {
    for (let c = 1; c < 8; c++) if (p.classes & (1 << c)) total[c]!++;
    if (p.split !== 'unassigned') add(p.split, p.classes);
  }
  for (const cand of candidates) for (let c = 1; c < 8; c++) if (cand.classes & (1 << c)) total[c]!++;
  const imageCount = placed.filter((p) => p.split !== 'unassigned').length + candidates.length;

  const rarest = (classes: number): number => {
    let best = -1;
    for (let c = 1; c < 8; c++) if (classes & (1 << c) && (best < 0 || total[c]! < total[best]!)) best = c;
    return best;
  };
  const order = candidates
    .map((cand) => ({ cand, rare: rarest(cand.classes), key: rank(options.seed, cand.name) }))
    .sort((a, b) => {
      const ra = a.rare < 0 ? Infinity : total[a.rare]!;
      const rb = b.rare < 0 ? Infinity : total[b.rare]!;
      return ra - rb || a.key - b.key || (a.cand.name < b.cand.name ? -1 : 1);
    });

  const activeSplits = splits.filter((s) => options.ratios[s] > 0).length;
  const out = new Map<number, AssignableSplit>();
  for (const { cand, rare } of order) {
    let best: AssignableSplit = 'train';
    let bestScore: [number, number] = [-Infinity, -Infinity];
    for (const s of splits) {
      if (options.ratios[s] <= 0) continue;
      // Relative shortfall of the rarest class, with a target of at least one image per split
      // whenever the class has enough images for every split: so 3 glasses still reach val and test.
      let classNeed = 0;
      if (rare >= 0) {
        const target = total[rare]! >= activeSplits ? Math.max(1, options.ratios[s] * total[rare]!) : options.ratios[s] * total[rare]!;
        classNeed = (target - have.get(s)![rare]!) / target;
      }
      const imageNeed = options.ratios[s] * imageCount - count.get(s)!;
      if (classNeed > bestScore[0] || (classNeed === bestScore[0] && imageNeed > bestScore[1])) {
        best = s;
        bestScore = [classNeed, imageNeed];
      }
    }
    out.set(cand.id, best);
    add(best, cand.classes);
  }
  return out;
}
