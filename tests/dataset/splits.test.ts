import { describe, expect, it } from 'vitest';
import { assignSplits, IncrementalSplits, parseSplitRatios, seededOrder, DEFAULT_RATIOS, type SplitCandidate } from '../../src-main/dataset/splits';

const GLASSES = 1 << 7;
const EARS = 1 << 6;
const COMMON = 0b111111; // background..mouth

/** 200 images: 9 with glasses, 60 with ears, like the real data's rarity. */
function population(): SplitCandidate[] {
  return Array.from({ length: 200 }, (_, i) => ({
    id: i + 1,
    name: `img-${String(i).padStart(3, '0')}`,
    classes: COMMON | (i % 22 === 0 ? GLASSES : 0) | (i % 10 < 3 ? EARS : 0),
  }));
}

function countBy(result: Map<number, string>, items: SplitCandidate[], bit?: number): Record<string, number> {
  const out: Record<string, number> = { train: 0, val: 0, test: 0 };
  for (const item of items) if (bit === undefined || item.classes & bit) out[result.get(item.id)!]!++;
  return out;
}

describe('splits', () => {
  it('parses ratios in several spellings', () => {
    expect(parseSplitRatios('80/10/10')).toEqual(DEFAULT_RATIOS);
    expect(parseSplitRatios('8:1:1').val).toBeCloseTo(0.1);
    expect(() => parseSplitRatios('80/20')).toThrow('not a split like 80/10/10');
  });

  it('is reproducible for a seed, whatever the input order, and changes with the seed', () => {
    const items = population();
    const a = assignSplits(items, [], { seed: 3, ratios: DEFAULT_RATIOS });
    const b = assignSplits([...items].reverse(), [], { seed: 3, ratios: DEFAULT_RATIOS });
    expect([...b.entries()].sort((x, y) => x[0] - y[0])).toEqual([...a.entries()].sort((x, y) => x[0] - y[0]));
    const c = assignSplits(items, [], { seed: 4, ratios: DEFAULT_RATIOS });
    expect([...c.entries()].some(([id, s]) => a.get(id) !== s)).toBe(true);
  });

  it('follows the ratios and puts rare classes in every split', () => {
    const items = population();
    for (const seed of [0, 1, 2, 3, 4]) {
      const result = assignSplits(items, [], { seed, ratios: DEFAULT_RATIOS });
      const all = countBy(result, items);
      expect(all).toEqual({ train: 160, val: 20, test: 20 });
      const glasses = countBy(result, items, GLASSES);
      const ears = countBy(result, items, EARS);
      for (const s of ['train', 'val', 'test']) {
        expect(glasses[s]).toBeGreaterThanOrEqual(1);
        expect(ears[s]).toBeGreaterThanOrEqual(4);
      }
    }
  });

  it('gives even three glasses images one per split', () => {
    const items = population().slice(0, 50);
    const result = assignSplits(items, [], { seed: 0, ratios: DEFAULT_RATIOS });
    expect(countBy(result, items, GLASSES)).toEqual({ train: 1, val: 1, test: 1 });
  });

  it('counts images already placed and leaves them alone', () => {
    const items = population();
    const placed = items.slice(0, 100).map((i) => ({ split: 'train' as const, classes: i.classes }));
    const result = assignSplits(items.slice(100), placed, { seed: 0, ratios: DEFAULT_RATIOS });
    expect(result.size).toBe(100);
    const counts = countBy(result, items.slice(100));
    // 160 train in total: 100 were placed, so 60 more; the rest fill val and test.
    expect(counts).toEqual({ train: 60, val: 20, test: 20 });
  });

  it('one at a time (as an import commits), in seeded order: reproducible, near the ratios, rare classes everywhere', () => {
    const run = (items: SplitCandidate[], seed: number) => {
      const planner = new IncrementalSplits([], DEFAULT_RATIOS);
      return new Map(seededOrder(items, (i) => i.name, seed).map((i) => [i.id, planner.assign(i.classes)]));
    };
    const items = population();
    for (const seed of [0, 1, 2]) {
      const result = run(items, seed);
      expect([...run([...items].reverse(), seed).entries()].sort((x, y) => x[0] - y[0])).toEqual([...result.entries()].sort((x, y) => x[0] - y[0]));
      const all = countBy(result, items);
      expect(all).toEqual({ train: 160, val: 20, test: 20 });
      for (const s of ['train', 'val', 'test']) {
        expect(countBy(result, items, GLASSES)[s]).toBeGreaterThanOrEqual(1);
        expect(countBy(result, items, EARS)[s]).toBeGreaterThanOrEqual(4);
      }
    }
    expect([...run(items, 1).entries()].some(([id, s]) => run(items, 0).get(id) !== s)).toBe(true);
  });
});
