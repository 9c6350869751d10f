// Metrics against hand-computed values (8 pixels, classes 0-3 in play, 4-7 absent).
import { describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../../src-main/contract/classes';
import { ConfusionMatrix, metricsFromConfusion } from '../../../src-main/engine/metrics/index';

const truth = [0, 0, 1, 1, 2, 2, 3, 3];
const pred = [0, 1, 1, 1, 2, 3, 3, 0];

describe('metrics from an accumulated confusion matrix', () => {
  const m = metricsFromConfusion(new ConfusionMatrix(8).add(truth, pred), CLASS_NAMES);

  it('counts the confusion matrix as [truth][predicted]', () => {
    expect(m.confusion[0]!.slice(0, 4)).toEqual([1, 1, 0, 0]);
    expect(m.confusion[1]!.slice(0, 4)).toEqual([0, 2, 0, 0]);
    expect(m.confusion[2]!.slice(0, 4)).toEqual([0, 0, 1, 1]);
    expect(m.confusion[3]!.slice(0, 4)).toEqual([1, 0, 0, 1]);
    expect(m.pixels).toBe(8);
  });

  it('gives per-class precision, recall, F1 and IoU', () => {
    const expected = [
      { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, iou: 1 / 3, support: 2 },
      { precision: 2 / 3, recall: 1, f1: 4 / 5, iou: 2 / 3, support: 2 },
      { precision: 1, recall: 1 / 2, f1: 2 / 3, iou: 1 / 2, support: 2 },
      { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, iou: 1 / 3, support: 2 },
    ];
    expected.forEach((e, c) => {
      const got = m.perClass[c]!;
      expect(got.present).toBe(true);
      expect(got.precision).toBeCloseTo(e.precision, 10);
      expect(got.recall).toBeCloseTo(e.recall, 10);
      expect(got.f1).toBeCloseTo(e.f1, 10);
      expect(got.iou).toBeCloseTo(e.iou, 10);
      expect(got.support).toBe(e.support);
    });
  });

  it('excludes classes absent from both truth and prediction from the means', () => {
    for (let c = 4; c < 8; c++) expect(m.perClass[c]).toMatchObject({ present: false, f1: 0, iou: 0 });
    expect(m.meanF1).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3 + 1 / 2) / 4, 10);
    expect(m.meanIoU).toBeCloseTo((1 / 3 + 2 / 3 + 1 / 2 + 1 / 3) / 4, 10);
    // Face parts: classes 1-3 (background left out).
    expect(m.meanF1Face).toBeCloseTo((4 / 5 + 2 / 3 + 1 / 2) / 3, 10);
    expect(m.meanIoUFace).toBeCloseTo((2 / 3 + 1 / 2 + 1 / 3) / 3, 10);
    expect(m.pixelAccuracy).toBeCloseTo(5 / 8, 10);
  });

  it('counts a class predicted but not true as present with F1 0', () => {
    const r = metricsFromConfusion(new ConfusionMatrix(8).add([1, 1], [1, 5]), CLASS_NAMES);
    expect(r.perClass[5]).toMatchObject({ present: true, f1: 0, iou: 0, precision: 0, recall: 0 });
    expect(r.perClass[1]!.f1).toBeCloseTo(2 / 3, 10);
    expect(r.meanF1Face).toBeCloseTo(1 / 3, 10);
  });

  it('accumulates over batches exactly like one pass over all pixels', () => {
    const split = new ConfusionMatrix(8).add(truth.slice(0, 3), pred.slice(0, 3)).merge(new ConfusionMatrix(8).add(truth.slice(3), pred.slice(3)));
    expect(metricsFromConfusion(split, CLASS_NAMES)).toEqual(m);
  });

  it('rejects mismatched lengths and out-of-range classes', () => {
    expect(() => new ConfusionMatrix(8).add([0, 1], [0])).toThrow(/2 truth pixels vs 1/);
    expect(() => new ConfusionMatrix(8).add([9], [0])).toThrow(/out of range/);
  });
});
