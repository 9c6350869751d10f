// `facet eval`'s text report ends with the masks the model most confidently disputes, the most
// disputed first, each with the class it is mostly about; none when nothing is disputed.
import { expect, it } from 'vitest';
import { formatDisputes } from '../../src-main/cli/eval';
import type { EvalReport, PerImageResult } from '../../src-main/contract/training';

const names = ['background', 'skin', 'eyebrows', 'eyes', 'nose', 'mouth', 'ears', 'eyeglasses'];
const report = (perImage: PerImageResult[]): EvalReport =>
  ({ perImage, metrics: { perClass: names.map((name) => ({ name })) } }) as unknown as EvalReport;
const image = (name: string, share: number | null, classId = 1): PerImageResult => ({ imageId: null, name, f1Face: 0.8, meanEntropy: 0.1, dispute: share === null ? null : { share, classId } });

it('lists up to five disputed images, most disputed first, with their class', () => {
  const lines = formatDisputes(report([image('a.jpg', 0.02), image('glasses.jpg', 0.17, 7), image('none.jpg', null), image('zero.jpg', 0), ...['c', 'd', 'e', 'f'].map((n, i) => image(`${n}.jpg`, 0.01 * (i + 1)))]));
  expect(lines[1]).toMatch(/most confidently disputes/);
  const rows = lines.slice(2);
  expect(rows).toHaveLength(5);
  expect(rows[0]).toMatch(/^ {2}glasses\.jpg\s+17\.0%\s+mostly eyeglasses/);
  expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['glasses.jpg', 'f.jpg', 'e.jpg', 'a.jpg', 'd.jpg']);
});

it('says nothing when no image is disputed (or the report predates disputes)', () => {
  expect(formatDisputes(report([image('zero.jpg', 0), { imageId: 1, name: 'old.jpg', f1Face: 0.9, meanEntropy: 0.1 }]))).toEqual([]);
});
