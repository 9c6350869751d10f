import { describe, expect, it } from 'vitest';
import { classRuns, paintRuns, polygonRuns, rleFromString, rleToString, runsAreaAndBox } from '../../../src-main/dataset/formats/coco-rle';
import { specRleDecode, specRleFrString } from './spec-decoders';

/** A deterministic pseudo-random label map with blobs and single pixels. */
function noise(w: number, h: number, seed: number): Uint8Array {
  const out = new Uint8Array(w * h);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s >> 16) % 5 === 0 ? (s >> 8) % 8 : i > 0 && i % w !== 0 ? out[i - 1]! : 0;
  }
  return out;
}

describe('COCO RLE (pycocotools maskApi.c)', () => {
  it('encodes a hand-computed mask: column-major runs starting with zeros', () => {
    // h=3, w=4; class 1 at (x,y) = (1,0) (2,0) (1,1) (0,2) (1,2):
    //   y0: 0 1 1 0 / y1: 0 1 0 0 / y2: 1 1 0 0
    // Column by column: col0 0,0,1  col1 1,1,1  col2 1,0,0  col3 0,0,0 → runs 2 zeros, 5 ones, 5 zeros.
    const labels = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0]);
    expect(classRuns(labels, 4, 3, 1)).toEqual([2, 5, 5]);
    // Each count < 16 is one character 48 + count; no deltas before the fourth count.
    expect(rleToString([2, 5, 5])).toBe('255');
    // A mask that starts with the class has a leading zero-length run.
    expect(classRuns(Uint8Array.from([3, 3, 0, 3]), 2, 2, 3)).toEqual([0, 1, 1, 2]);
  });

  it('compresses counts as rleToString does: 5-bit groups, continuation bit, deltas from i > 2', () => {
    // counts [5, 40, 3, 100, 2], worked by hand from rleToString:
    //   5   → c=5                                   → '5'
    //   40  → c=40&31=8, x=1, more → c|=32 = 40 → 'X'; then c=1 → '1'
    //   3   → (i=2: no delta, not 3-5) c=3          → '3'
    //   100 → delta 100-40=60: c=60&31=28 (bit 0x10 set), x=1 ≠ -1 → c|=32 = 60 → 'l'; then '1'
    //   2   → delta 2-3=-1: c=31, x=-1>>5=-1, bit 0x10 set and x == -1 → stop → 79 'O'
    expect(rleToString([5, 40, 3, 100, 2])).toBe('5X13l1O');
    expect(specRleFrString('5X13l1O')).toEqual([5, 40, 3, 100, 2]);
    expect(rleFromString('5X13l1O')).toEqual([5, 40, 3, 100, 2]);
  });

  it('matches the spec decoder on many masks, including large counts and negative deltas', () => {
    for (const [w, h, seed] of [
      [1, 1, 1],
      [7, 5, 2],
      [64, 48, 3],
      [300, 200, 4],
      [1024, 3, 5],
    ] as const) {
      const labels = noise(w, h, seed);
      for (let cls = 0; cls < 8; cls++) {
        const counts = classRuns(labels, w, h, cls);
        const s = rleToString(counts);
        expect(specRleFrString(s)).toEqual(counts);
        const bits = specRleDecode(specRleFrString(s), h, w);
        for (let i = 0; i < labels.length; i++) if (bits[i] !== (labels[i] === cls ? 1 : 0)) throw new Error(`${w}x${h} class ${cls} pixel ${i}`);
        expect(rleFromString(s)).toEqual(counts);
      }
    }
    // One run longer than 2^20 pixels (a 7-character number) and a long negative delta.
    const counts = [5, 1_500_000, 3, 20, 1_400_000, 7];
    expect(specRleFrString(rleToString(counts))).toEqual(counts);
    expect(rleFromString(rleToString(counts))).toEqual(counts);
  });

  it('paints runs column-major and rejects counts that do not cover the mask', () => {
    const labels = new Uint8Array(12);
    paintRuns([2, 5, 5], 4, 3, labels, 6, 'a');
    expect([...labels]).toEqual([0, 6, 6, 0, 0, 6, 0, 0, 6, 6, 0, 0]);
    expect(() => paintRuns([2, 5, 4], 4, 3, new Uint8Array(12), 1, 'ann 7')).toThrow(/ann 7: runs cover 11 pixels, the 4x3 mask has 12/);
    expect(() => paintRuns([2, 5, 6], 4, 3, new Uint8Array(12), 1, 'ann 7')).toThrow(/more than the 4x3/);
    expect(() => rleFromString('0 1')).toThrow(/outside the RLE alphabet/);
    expect(() => rleFromString('X')).toThrow(/ends inside a number/);
  });

  it('rasterizes an integer box polygon to exactly its w x h pixels, as pycocotools frBbox does', () => {
    // Box x 1..4, y 1..3 on a 5-high, 6-wide image: pixels x 1..3, y 1..2. Column-major: column 0
    // (5) and y0 of column 1 are off (6), y1..y2 on (2), y3, y4, y0 of the next column off (3) ...
    expect(polygonRuns([1, 1, 1, 3, 4, 3, 4, 1], 5, 6)).toEqual([6, 2, 3, 2, 3, 2, 12]);
    // The same box with its corners in the other order (the walk flips its direction).
    expect(polygonRuns([4, 1, 4, 3, 1, 3, 1, 1], 5, 6)).toEqual([6, 2, 3, 2, 3, 2, 12]);
  });

  it('computes area and [x, y, w, h] box', () => {
    expect(runsAreaAndBox([2, 5, 5], 3)).toEqual({ area: 5, bbox: [0, 0, 3, 3] });
    expect(runsAreaAndBox([4, 1, 7], 3)).toEqual({ area: 1, bbox: [1, 1, 1, 1] });
    expect(runsAreaAndBox([12], 3)).toEqual({ area: 0, bbox: [0, 0, 0, 0] });
  });
});
