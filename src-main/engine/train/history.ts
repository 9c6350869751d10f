// history.json (the records as they are) and history.csv (one flat row per epoch, for
// spreadsheets and plotting scripts).
import type { EpochRecord } from '../../contract/training';

const round = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(Number(v.toPrecision(6))));

export function historyCsv(records: EpochRecord[]): string {
  const names = records.find((r) => r.val)?.val?.perClass.map((c) => c.name) ?? records[0]?.train.perClass.map((c) => c.name) ?? [];
  const header = [
    'epoch', 'loss', 'val_loss', 'lr', 'seconds',
    'val_mean_f1', 'val_mean_iou', 'val_mean_f1_face', 'val_mean_iou_face', 'val_pixel_accuracy',
    'train_mean_f1_face', 'train_mean_iou_face',
    ...names.flatMap((n) => [`val_precision_${n}`, `val_recall_${n}`, `val_f1_${n}`, `val_iou_${n}`]),
  ];
  const rows = records.map((r) => {
    const v = r.val;
    return [
      String(r.epoch), round(r.loss), round(r.valLoss), round(r.lr), round(r.seconds),
      round(v?.meanF1), round(v?.meanIoU), round(v?.meanF1Face), round(v?.meanIoUFace), round(v?.pixelAccuracy),
      round(r.train.meanF1Face), round(r.train.meanIoUFace),
      ...names.flatMap((_, c) => {
        const m = v?.perClass[c];
        return [round(m?.precision), round(m?.recall), round(m?.f1), round(m?.iou)];
      }),
    ];
  });
  return [header, ...rows].map((cells) => cells.join(',')).join('\n') + '\n';
}
