// A validation share held out of the training images when a data source has none (a small
// project whose images are all in the train split): deterministic, by a hash of each name, so
// the same project holds out the same images every time, and recorded by name in the run config
// so evaluation after the run sees the same split.
import { createHash } from 'node:crypto';
import type { DataSplits } from './sources';

export interface HoldOutRule {
  /** Share of the training images to hold out (0 = never). */
  share: number;
  /** At least this many, while as many stay to train on. */
  min: number;
}

/** Names to hold out of `names` (none when there are too few to split). */
export function chooseHeldOut(names: readonly string[], rule: HoldOutRule): string[] {
  if (rule.share <= 0) return [];
  const count = Math.max(rule.min, Math.round(names.length * rule.share));
  if (names.length - count < count) return [];
  const key = (n: string): string => createHash('sha256').update(n).digest('hex');
  return [...names]
    .map((n) => ({ n, k: key(n) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .slice(0, count)
    .map((e) => e.n)
    .sort();
}

/** The splits with `names` moved from train to val (they must not already be in val). */
export function withHeldOut(splits: DataSplits, names: readonly string[] | null): DataSplits {
  if (!names || names.length === 0) return splits;
  const held = new Set(names);
  return {
    train: splits.train.filter((i) => !held.has(i.name)),
    val: [...splits.val, ...splits.train.filter((i) => held.has(i.name))],
    test: splits.test,
    describe: `${splits.describe}; ${held.size} training images held out as validation`,
  };
}
