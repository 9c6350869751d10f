// Metrics from an accumulated confusion matrix (segmentation_models' metrics/functional.py over
// get_stats): per-class precision, recall, F1, IoU; means over all classes and over the face parts
// (class 0, background, left out); pixel accuracy. A class in neither truth nor prediction is
// "absent": its scores are 0 and it is excluded from the means rather than counted as perfect.
import type { ClassMetrics, MetricsReport } from '../../contract/training';
import { ConfusionMatrix } from './confusion';

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export function metricsFromConfusion(matrix: ConfusionMatrix, classNames: readonly string[]): MetricsReport {
  if (classNames.length !== matrix.numClasses) throw new Error(`metrics: ${classNames.length} names for ${matrix.numClasses} classes`);
  const { tp, fp, fn } = matrix.stats();
  const perClass: ClassMetrics[] = classNames.map((name, c) => {
    const t = tp[c]!;
    const p = fp[c]!;
    const n = fn[c]!;
    return {
      name,
      precision: ratio(t, t + p),
      recall: ratio(t, t + n),
      f1: ratio(2 * t, 2 * t + p + n),
      iou: ratio(t, t + p + n),
      support: t + n,
      present: t + p + n > 0,
    };
  });
  const present = perClass.filter((m) => m.present);
  const face = perClass.filter((m, c) => c > 0 && m.present);
  const pixels = tp.reduce((a, b) => a + b, 0) + fn.reduce((a, b) => a + b, 0);
  return {
    perClass,
    meanF1: mean(present.map((m) => m.f1)),
    meanIoU: mean(present.map((m) => m.iou)),
    meanF1Face: mean(face.map((m) => m.f1)),
    meanIoUFace: mean(face.map((m) => m.iou)),
    pixelAccuracy: ratio(tp.reduce((a, b) => a + b, 0), pixels),
    confusion: matrix.toRows(),
    pixels,
  };
}

export { ConfusionMatrix };
