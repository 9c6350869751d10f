// The tiny face detector on onnxruntime against face-api's own (tfjs wasm) on 1024x1024 photos:
// ms per photo, how far the boxes are apart, and how much the face-mode masks differ.
//   npx tsx scripts/profile-detector.ts [--images N]
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { iou } from '../src-main/engine/infer/face-box';
import { createFaceDetector, type FaceBox } from '../src-main/engine/infer/faces';
import { BUNDLED_MODEL_DIR } from '../src-main/engine/infer/model-folder';
import { loadSegmentModel } from '../src-main/segment/model';
import { segmentPhoto } from '../src-main/segment/segment-photo';

const { values } = parseArgs({ options: { images: { type: 'string', default: '8' }, data: { type: 'string' } } });
const dir = resolve(values.data ?? process.env['FACET_DATA'] ?? '../shared/data', 'celebamask-hq-800/images');
const files = (await readdir(dir)).sort().slice(0, Number(values.images));
const photos = await Promise.all(
  files.map(async (f) => {
    const { data, info } = await sharp(join(dir, f)).resize(1024, 1024).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  }),
);
const configs = [
  ['tiny 416 + coarse 224, tfjs (face-api)', { kind: 'tiny', runtime: 'tfjs' }],
  ['tiny 416 + coarse 224, onnxruntime', { kind: 'tiny', runtime: 'onnx' }],
  ['tiny 416 only, tfjs', { kind: 'tiny', coarseSize: 0, runtime: 'tfjs' }],
  ['tiny 416 only, onnxruntime', { kind: 'tiny', coarseSize: 0, runtime: 'onnx' }],
  ['ssd (tfjs)', { kind: 'ssd' }],
] as const;
const found: FaceBox[][][] = [];
for (const [label, options] of configs) {
  const detector = await createFaceDetector(options);
  await detector.detect(photos[0]!);
  let best = Infinity;
  let boxes: FaceBox[][] = [];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    boxes = [];
    for (const p of photos) boxes.push(await detector.detect(p));
    best = Math.min(best, (performance.now() - t) / photos.length);
  }
  found.push(boxes);
  const faces = boxes.reduce((a, b) => a + b.length, 0);
  process.stdout.write(`${label}: ${best.toFixed(1)} ms/photo, ${faces} faces in ${photos.length} photos\n`);
}
// How far onnxruntime's boxes are from face-api's (same options), photo by photo.
for (const [a, b] of [[0, 1], [2, 3]] as const) {
  const ious: number[] = [];
  const dScores: number[] = [];
  let unmatched = 0;
  found[a]!.forEach((ref, i) => {
    for (const r of ref) {
      const best = found[b]![i]!.reduce<{ iou: number; box: FaceBox | null }>((m, o) => (iou(r, o) > m.iou ? { iou: iou(r, o), box: o } : m), { iou: 0, box: null });
      if (!best.box || best.iou < 0.5) unmatched++;
      else {
        ious.push(best.iou);
        dScores.push(Math.abs(best.box.score - r.score));
      }
    }
  });
  const min = ious.length ? Math.min(...ious) : NaN;
  const mean = ious.reduce((s, v) => s + v, 0) / ious.length;
  process.stdout.write(`${configs[b]![0]} vs ${configs[a]![0]}: IoU mean ${mean.toFixed(3)} min ${min.toFixed(3)}, |score diff| max ${Math.max(...dScores).toFixed(3)}, unmatched ${unmatched}\n`);
}

// Face-mode masks with the two runtimes' boxes (same model): the share of pixels that get the same
// label, and of face-part pixels (either mask not background) that do.
const model = await loadSegmentModel(BUNDLED_MODEL_DIR);
const [tfjsDetector, onnxDetector] = await Promise.all([createFaceDetector({ kind: 'tiny', runtime: 'tfjs' }), createFaceDetector({ kind: 'tiny', runtime: 'onnx' })]);
let same = 0;
let total = 0;
let partSame = 0;
let parts = 0;
let worst = 1;
for (const photo of photos) {
  const a = (await segmentPhoto(photo, model, tfjsDetector)).labels;
  const b = (await segmentPhoto(photo, model, onnxDetector)).labels;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const eq = a[i] === b[i];
    if (eq) s++;
    if (a[i] !== 0 || b[i] !== 0) {
      parts++;
      if (eq) partSame++;
    }
  }
  same += s;
  total += a.length;
  worst = Math.min(worst, s / a.length);
}
process.stdout.write(`face-mode masks, onnxruntime boxes vs face-api's: ${((100 * same) / total).toFixed(2)}% of pixels the same (worst photo ${(100 * worst).toFixed(2)}%), ${((100 * partSame) / parts).toFixed(2)}% of face-part pixels\n`);
