// Glasses copy-paste: the donor's eyeglasses pixels and label 7 land on a face without glasses
// (where pixels changed the label is 7, elsewhere nothing changed), seeded, and the loader pastes
// only onto images without glasses, from donors that have them.
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type AugmentConfig } from '../../../src-main/contract/training';
import { GLASSES_CLASS, maybePasteGlasses, pasteGlasses, type PasteSample } from '../../../src-main/dataset/batches/glasses-paste';
import { rngFor } from '../../../src-main/dataset/batches/rng';
import { BatchLoader, type DataItem } from '../../../src-main/dataset/loader';

const S = 32;

/** A face without glasses: skin (1) everywhere, eyes (3) in two blocks, gray 100. */
function plainFace(): PasteSample {
  const labels = new Uint8Array(S * S).fill(1);
  for (const x0 of [8, 20]) for (let y = 12; y < 16; y++) for (let x = x0; x < x0 + 4; x++) labels[y * S + x] = 3;
  return { rgb: new Uint8Array(S * S * 3).fill(100), labels };
}

/** A donor: glasses (7) as a band over the eyes, its pixels red (250, 0, 0); elsewhere gray 50. */
function donor(): PasteSample {
  const labels = new Uint8Array(S * S).fill(1);
  const rgb = new Uint8Array(S * S * 3).fill(50);
  for (let y = 11; y < 17; y++) {
    for (let x = 6; x < 26; x++) {
      labels[y * S + x] = GLASSES_CLASS;
      rgb.set([250, 0, 0], (y * S + x) * 3);
    }
  }
  return { rgb, labels };
}

function changedPixels(a: PasteSample, b: PasteSample): number[] {
  const out: number[] = [];
  for (let i = 0; i < S * S; i++) if (a.rgb[3 * i] !== b.rgb[3 * i] || a.rgb[3 * i + 1] !== b.rgb[3 * i + 1] || a.rgb[3 * i + 2] !== b.rgb[3 * i + 2]) out.push(i);
  return out;
}

describe('glasses paste', () => {
  it('at the same place: label 7 exactly where the pixels changed, the donor\'s pixels there', () => {
    const target = plainFace();
    const out = pasteGlasses(target, donor(), S, { dx: 0, dy: 0, scale: 1 });
    const changed = changedPixels(target, out);
    expect(changed).toHaveLength(6 * 20);
    for (let i = 0; i < S * S; i++) {
      if (changed.includes(i)) {
        expect(out.labels[i]).toBe(GLASSES_CLASS);
        expect(Array.from(out.rgb.subarray(3 * i, 3 * i + 3))).toEqual([250, 0, 0]);
      } else expect(out.labels[i]).toBe(target.labels[i]);
    }
    // The target itself is left as it was.
    expect(Array.from(target.labels)).toEqual(Array.from(plainFace().labels));
  });

  it('with a shift and scale: still label 7 wherever pixels changed, and the glasses moved', () => {
    const target = plainFace();
    const out = pasteGlasses(target, donor(), S, { dx: 1.4, dy: -0.8, scale: 1.05 });
    const changed = changedPixels(target, out);
    expect(changed.length).toBeGreaterThan(100);
    for (const i of changed) expect(out.labels[i]).toBe(GLASSES_CLASS);
    for (let i = 0; i < S * S; i++) if (out.labels[i] === GLASSES_CLASS) expect(changed).toContain(i);
    expect(Array.from(out.labels)).not.toEqual(Array.from(pasteGlasses(target, donor(), S, { dx: 0, dy: 0, scale: 1 }).labels));
  });

  it('only when drawn, only onto images without glasses, the same for the same seed', () => {
    const target = plainFace();
    expect(maybePasteGlasses(target, false, [donor()], S, 0, rngFor(1))).toBe(target);
    expect(maybePasteGlasses(target, true, [donor()], S, 1, rngFor(1))).toBe(target);
    expect(maybePasteGlasses(target, false, [], S, 1, rngFor(1))).toBe(target);
    const a = maybePasteGlasses(target, false, [donor()], S, 1, rngFor(7));
    const b = maybePasteGlasses(target, false, [donor()], S, 1, rngFor(7));
    expect(a).not.toBe(target);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.rgb)).toEqual(Array.from(b.rgb));
    expect(a.labels.includes(GLASSES_CLASS)).toBe(true);
  });
});

function item(name: string, sample: PasteSample): DataItem {
  return { name, imageId: null, sha256: async () => name, load: async () => ({ rgb: sample.rgb, labels: sample.labels, width: S, height: S }) };
}

describe('the loader with glasses paste', () => {
  it('puts glasses on every image without them at share 1, and none at share 0', async () => {
    const none: AugmentConfig = runConfigSchema.shape.augment.parse({ hflip: false, scale: 0, rotate: 0, shift: 0, colorJitter: 0, rareOversample: 1 });
    const data = [item('a', plainFace()), item('b', plainFace()), item('c', plainFace()), item('glasses', donor())];
    const count = async (share: number): Promise<number[]> => {
      const loader = new BatchLoader(data, { size: S, batchSize: 4, seed: 1, augment: { ...none, glassesPaste: share } });
      for await (const b of loader.batches(0)) {
        return Array.from({ length: b.n }, (_, k) => b.y.subarray(k * S * S, (k + 1) * S * S).filter((l) => l === GLASSES_CLASS).length);
      }
      return [];
    };
    const pasted = await count(1);
    expect(pasted).toHaveLength(4);
    for (const n of pasted) expect(n).toBeGreaterThan(80);
    expect((await count(0)).filter((n) => n > 0)).toHaveLength(1);
    expect(await count(1)).toEqual(pasted);
  });
});
