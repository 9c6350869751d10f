import { describe, expect, it } from 'vitest';
import { listPresets, loadPreset, mapIndexValues, mapRgbValues } from '../../src-main/dataset/presets/index';

describe('import presets', () => {
  it('ships every preset as valid data', () => {
    expect(listPresets()).toEqual(['celebamask-hq', 'coco', 'color', 'cvat-mask', 'images-only', 'labels8', 'seed-18']);
    for (const name of listPresets()) expect(loadPreset(name).name).toBe(name);
  });

  it('maps CelebAMask-HQ labels as the data README says', () => {
    const p = loadPreset('celebamask-hq');
    // README: 1 skin; 6,7 brows; 4,5 eyes; 2 nose; 10,11,12 mouth; 8,9 ears; 3 glasses; rest background.
    const expected = [0, 1, 4, 7, 3, 3, 2, 2, 6, 6, 5, 5, 5, 0, 0, 0, 0, 0, 0];
    expect(Array.from(mapIndexValues(Uint8Array.from(expected.map((_, i) => i)), p, 'm.png'))).toEqual(expected);
  });

  it('maps the seed-18 ids explicitly, keeping ears (13) and glasses (16)', () => {
    const p = loadPreset('seed-18');
    const raw = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(Array.from(mapIndexValues(raw, p, 'm.png'))).toEqual([0, 1, 2, 2, 3, 3, 4, 5, 5, 5, 0, 1, 1, 6, 6, 0, 7, 0]);
  });

  it('rejects values a preset does not name, listing the file and the values', () => {
    expect(() => mapIndexValues(Uint8Array.from([0, 3, 19, 255, 19]), loadPreset('celebamask-hq'), '/x/m.png')).toThrow('/x/m.png: mask values 19, 255 not named by preset celebamask-hq');
    expect(() => mapIndexValues(Uint8Array.from([0, 8]), loadPreset('labels8'), 'a.png')).toThrow('a.png: mask value 8 not named by preset labels8');
    expect(() => mapIndexValues(Uint8Array.from([18]), loadPreset('seed-18'), 'a.png')).toThrow('value 18');
  });

  it('reads colours through the default palette or a user map, rejecting unknown colours', () => {
    const rgb = Uint8Array.from([0, 0, 0, 255, 204, 153, 0, 200, 120]);
    expect(Array.from(mapRgbValues(rgb, loadPreset('color'), 'c.png'))).toEqual([0, 1, 7]);
    const custom = loadPreset('color', { colorMap: { '#000000': 0, '#ffcc99': 6, '#00c878': 2 } });
    expect(Array.from(mapRgbValues(rgb, custom, 'c.png'))).toEqual([0, 6, 2]);
    expect(() => mapRgbValues(Uint8Array.from([1, 2, 3]), custom, 'c.png')).toThrow('c.png: mask colour #010203 not named by preset color');
  });

  it('names the known presets for an unknown one', () => {
    expect(() => loadPreset('pascal')).toThrow(/unknown preset "pascal" \(known: celebamask-hq, coco, color/);
    expect(() => loadPreset('labels8', { colorMap: { '#000000': 0 } })).toThrow(/only to the color preset/);
  });
});
