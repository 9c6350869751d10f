// `npm run bench:levers`: four rows (model size / full resolution, without / with flip) as a
// markdown table for the model card, on a few real val photos.
import { beforeAll, describe, expect, it } from 'vitest';
import { benchLevers, formatLevers, type LeversReport } from '../../scripts/bench/levers';
import { initEngine } from '../../src-main/engine/backend/index';
import { describeWith } from '../helpers/describe-with';
import { celebaDir, needsData } from '../helpers/requirements';

describe('formatLevers', () => {
  it('one markdown row per setting, parts in class order, a dash for a part that is absent', () => {
    const report: LeversReport = {
      model: '/m',
      inputSize: 256,
      images: 3,
      backend: 'cpu',
      batch: 8,
      rows: [
        { flip: false, fullResolution: false, meanF1Face: 0.8, f1: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, null], msPerPhoto: 12.34 },
        { flip: true, fullResolution: true, meanF1Face: 0.81, f1: [0.91, 0.81, 0.71, 0.61, 0.51, 0.41, 0.3], msPerPhoto: 30 },
      ],
    };
    const lines = formatLevers(report).trim().split('\n');
    expect(lines[0]).toBe('/m: val split, 3 images, input 256px, backend cpu, batch 8');
    expect(lines[2]).toBe('| scored at | flip | mean F1 (face) | skin | brows | eyes | nose | mouth | ears | glasses | ms/photo |');
    expect(lines[4]).toBe('| 256px | no | 0.8000 | 0.900 | 0.800 | 0.700 | 0.600 | 0.500 | 0.400 | – | 12.3 |');
    expect(lines[5]).toBe('| full resolution | yes | 0.8100 | 0.910 | 0.810 | 0.710 | 0.610 | 0.510 | 0.410 | 0.300 | 30.0 |');
  });
});

describeWith([needsData()], 'benchLevers on real val photos', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('scores the bundled model four ways on the same photos', async () => {
    const r = await benchLevers({ model: 'default', data: celebaDir(), preset: 'celebamask-hq', limit: 10, batch: 8, backend: 'test' });
    expect(r.images).toBe(2);
    expect(r.rows.map((row) => [row.fullResolution, row.flip])).toEqual([[false, false], [false, true], [true, false], [true, true]]);
    for (const row of r.rows) {
      expect(row.meanF1Face).toBeGreaterThan(0.75);
      expect(row.msPerPhoto).toBeGreaterThan(0);
      expect(row.f1).toHaveLength(7);
    }
    expect(r.rows[1]!.meanF1Face).not.toBe(r.rows[0]!.meanF1Face);
    expect(r.rows[2]!.meanF1Face).not.toBe(r.rows[0]!.meanF1Face);
    expect(formatLevers(r).trim().split('\n')).toHaveLength(8);
  });
});
