// Confident disputes between a model and a mask: a part the mask leaves out where the model is
// sure shows as a large dispute about that part; disagreement where the model is unsure does not
// count; the photo's window in the map (letterboxed photos) decides which cell's confidence a
// pixel takes. On the real data, the val photo whose mask misses the glasses its subject wears
// comes out on top.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confidenceMask, confidentDispute } from '../../../src-main/engine/metrics/dispute';
import { evaluateSaved } from '../../../src-main/engine/train/eval-run';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';

const K = 8;
/** A w x h label map: skin everywhere, `fill` inside the rectangle [x0, x1) x [y0, y1). */
function labels(w: number, h: number, rect: [number, number, number, number] | null, fill = 7): Uint8Array {
  const out = new Uint8Array(w * h).fill(1);
  if (rect) for (let y = rect[1]; y < rect[3]; y++) for (let x = rect[0]; x < rect[2]; x++) out[y * w + x] = fill;
  return out;
}

describe('confident disputes', () => {
  it('a part missing from the mask, where the model is sure, is a dispute about that part', () => {
    const truth = labels(8, 8, null);
    const predicted = labels(8, 8, [2, 2, 6, 4]);
    const d = confidentDispute(truth, predicted, 8, 8, new Uint8Array(64).fill(1), 8, K);
    expect(d).toEqual({ share: 8 / 64, pixels: 8, classId: 7 });
  });

  it('disagreement where the model is unsure does not count', () => {
    const truth = labels(8, 8, null);
    const predicted = labels(8, 8, [2, 2, 6, 4]);
    expect(confidentDispute(truth, predicted, 8, 8, new Uint8Array(64), 8, K)).toEqual({ share: 0, pixels: 0, classId: 0 });
    expect(confidentDispute(new Uint8Array(64), new Uint8Array(64), 8, 8, new Uint8Array(64).fill(1), 8, K)).toBeNull();
  });

  it('full-size labels take the confidence of their nearest cell of the map window', () => {
    // A 16x8 photo letterboxed into a 4x4 map at rows 1-2; only the map's left half is confident.
    const confident = new Uint8Array(16);
    for (const i of [4, 5, 8, 9]) confident[i] = 1;
    const truth = labels(16, 8, null);
    const predicted = labels(16, 8, [4, 0, 12, 8], 4); // the model says nose on columns 4-11
    const d = confidentDispute(truth, predicted, 16, 8, confident, 4, K, { x: 0, y: 1, w: 4, h: 2 });
    // Columns 4-7 fall in confident cells (map column 1), 8-11 do not (column 2), on every row.
    expect(d).toEqual({ pixels: 32, share: 32 / 128, classId: 4 });
  });

  it('confidence masks come from the top probability of each cell', () => {
    const probs = new Float32Array([0.95, 0.05, 0.5, 0.5, 0.08, 0.92]);
    expect([...confidenceMask(probs, 2)]).toEqual([1, 0, 1]);
  });

  it('refuses labels or maps of the wrong size', () => {
    expect(() => confidentDispute(new Uint8Array(3), new Uint8Array(4), 2, 2, new Uint8Array(4), 2, K)).toThrow(/not 2x2/);
    expect(() => confidentDispute(new Uint8Array(4), new Uint8Array(4), 2, 2, new Uint8Array(9), 2, K)).toThrow(/confidence map holds 9/);
  });
});

/** A CelebAMask-HQ val photo of a woman in black-framed glasses whose mask has no eyeglasses label. */
const MISLABELLED = '769dd5b1412e40bca408e028b0375ee3';

describeWith([needsData()], 'confident disputes on real photos', () => {
  it('the bundled model disputes the mask that misses its photo\'s glasses most, and about eyeglasses', async () => {
    const { dir, cleanup } = await tempDir('facet-dispute-');
    try {
      // Ten photos around it in name order, copied (not kept): every 2nd to val puts it there.
      const names = (await readdir(join(celebaDir(), 'images'))).filter((n) => n.endsWith('.jpg')).sort();
      const at = names.indexOf(`${MISLABELLED}.jpg`);
      expect(at).toBeGreaterThan(0);
      await mkdir(join(dir, 'images'));
      await mkdir(join(dir, 'masks'));
      for (const n of names.slice(at - 1, at + 9)) {
        await copyFile(join(celebaDir(), 'images', n), join(dir, 'images', n));
        await copyFile(join(celebaDir(), 'masks', n.replace(/\.jpg$/, '.png')), join(dir, 'masks', n.replace(/\.jpg$/, '.png')));
      }
      const report = await evaluateSaved({ model: 'default', data: { kind: 'folder', dir, preset: 'celebamask-hq', valEvery: 2, limit: 0 }, split: 'val', backend: 'test', fullResolution: true });
      expect(report.images).toBe(5);
      const ranked = report.perImage.slice().sort((a, b) => (b.dispute?.share ?? 0) - (a.dispute?.share ?? 0));
      expect(ranked[0]!.name).toContain(MISLABELLED);
      expect(ranked[0]!.dispute!.classId).toBe(7);
      expect(ranked[0]!.dispute!.share).toBeGreaterThan(1.5 * ranked[1]!.dispute!.share);
    } finally {
      await cleanup();
    }
  });
});
