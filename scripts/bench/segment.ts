// Benchmark of `facet segment`: images/s on 1024x1024 photos (real faces from the shared data
// set, upscaled), whole-photo mode and face mode, with where the time goes. The model is the
// bundled default when present, else an untrained DeepLabV3+ MobileNetV2 at 256 (the CPU
// default: same FLOPs, so the same speed).
// Stages are timed inside the batch (the model and the face detector wrapped with clocks); the
// rest of the wall time is decode, cuts, resize+argmax and PNG writing, partly overlapped with the
// model (libvips threads). `--stages` also times each stage alone, photo by photo, best of 3.
//   npm run bench:segment -- [--images N] [--model DIR] [--batch N] [--detector ssd|tiny] [--stages] [--json]
import { mkdir, readdir, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { CLASS_NAMES } from '../../src-main/contract/classes';
import { initEngine } from '../../src-main/engine/backend/index';
import { saveModelDir } from '../../src-main/engine/infer/predict';
import { buildModel } from '../../src-main/engine/models/registry';
import { RGB_MEAN, RGB_STD } from '../../src-main/dataset/loader';
import { DEFAULT_BATCH_SIZE, segmentFolder } from '../../src-main/segment/batch';
import { createFaceDetector, DEFAULT_FACE_DETECTOR, FACE_DETECTOR_KINDS, type FaceDetectorKind } from '../../src-main/engine/infer/faces';
import { cutInput, decodePhoto } from '../../src-main/segment/decode';
import { regionOf, wholePhotoPlacement } from '../../src-main/segment/region';
import { resizeArgmax } from '../../src-main/segment/resize-argmax';
import { encodeIndexedPng } from '../../src-main/dataset/io/mask';
import { classFractions } from '../../src-main/segment/summary';
import { loadSegmentModel } from '../../src-main/segment/model';
import { BUNDLED_MODEL_DIR as DEFAULT_MODEL_DIR } from '../../src-main/engine/infer/model-folder';
import type { FaceDetector } from '../../src-main/engine/infer/faces';
import type { ProbabilityModel } from '../../src-main/segment/types';
import { existsSync } from 'node:fs';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '12' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    data: { type: 'string' },
    batch: { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
    detector: { type: 'string', default: DEFAULT_FACE_DETECTOR },
    stages: { type: 'boolean', default: false },
  },
});
const count = Number(values.images);
const batchSize = Number(values.batch);
const detectorKind = values.detector as FaceDetectorKind;
if (!FACE_DETECTOR_KINDS.includes(detectorKind)) throw new Error(`--detector: ${values.detector} (${FACE_DETECTOR_KINDS.join(', ')})`);
const dataDir = resolve(values.data ?? process.env['FACET_DATA'] ?? 'shared/data', 'celebamask-hq-800/images');
const fallbackData = resolve('../shared/data/celebamask-hq-800/images');

/** Wraps a model or detector to add up the time spent inside it. */
function timedModel(model: ProbabilityModel, clock: { ms: number; calls: number; inputs: number }): ProbabilityModel {
  return {
    inputSize: model.inputSize,
    numClasses: model.numClasses,
    async predict(rgb) {
      const t = performance.now();
      try {
        return await model.predict(rgb);
      } finally {
        clock.ms += performance.now() - t;
        clock.calls++;
        clock.inputs++;
      }
    },
    async predictBatch(rgbs) {
      const t = performance.now();
      try {
        return await model.predictBatch(rgbs);
      } finally {
        clock.ms += performance.now() - t;
        clock.calls++;
        clock.inputs += rgbs.length;
      }
    },
    dispose: () => model.dispose(),
  };
}

function timedDetector(detector: FaceDetector, clock: { ms: number; calls: number }): FaceDetector {
  return {
    async detect(photo) {
      const t = performance.now();
      try {
        return await detector.detect(photo);
      } finally {
        clock.ms += performance.now() - t;
        clock.calls++;
      }
    },
    dispose: () => detector.dispose(),
  };
}

const engine = await initEngine();
const work = await mkdtemp(join(tmpdir(), 'facet-bench-segment-'));
try {
  const source = existsSync(dataDir) ? dataDir : fallbackData;
  const names = (await readdir(source)).filter((n) => n.endsWith('.jpg')).sort().slice(0, count);
  if (names.length < count) throw new Error(`need ${count} photos in ${source}, found ${names.length}`);
  const inDir = join(work, 'photos');
  await mkdir(inDir);
  for (const n of names) await sharp(join(source, n)).resize(1024, 1024).jpeg({ quality: 90 }).toFile(join(inDir, n));

  let modelDir = values.model ? resolve(values.model) : DEFAULT_MODEL_DIR;
  let modelNote = values.model ? modelDir : 'bundled default model';
  if (!existsSync(join(modelDir, 'model.json'))) {
    modelDir = join(work, 'model');
    const model = buildModel('deeplabv3plus-mobilenetv2', { inputSize: 256, numClasses: 8, seed: 1 });
    await saveModelDir(model, modelDir, {
      format: 'facet-model/1',
      model: 'deeplabv3plus-mobilenetv2',
      modelOptions: {},
      inputSize: 256,
      numClasses: 8,
      classNames: [...CLASS_NAMES],
      normalization: { mean: [...RGB_MEAN], std: [...RGB_STD] },
      runId: null,
      epoch: null,
      savedAt: new Date().toISOString(),
    });
    model.dispose();
    modelNote = 'untrained deeplabv3plus-mobilenetv2 @256 (no default model installed)';
  }

  const base = await loadSegmentModel(modelDir);
  // One warm-up prediction: the first call compiles kernels.
  await base.predict(new Uint8Array(base.inputSize * base.inputSize * 3));
  const results: Record<string, unknown>[] = [];
  const stages: Record<string, number> = {};
  if (values.stages) {
    // Each stage alone on each photo, best of 3 (the machine may be shared): where the time goes.
    const detector = await createFaceDetector({ kind: detectorKind });
    const size = base.inputSize;
    const best = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
      let out: T | undefined;
      let min = Infinity;
      for (let k = 0; k < 3; k++) {
        const t = performance.now();
        out = await run();
        min = Math.min(min, performance.now() - t);
      }
      stages[name] = (stages[name] ?? 0) + min / names.length;
      return out!;
    };
    for (const n of names) {
      const photo = await best('decode', () => decodePhoto(join(inDir, n)));
      const { rect, placement } = wholePhotoPlacement(photo.width, photo.height, size);
      const input = await best('cutInput', () => cutInput(photo, rect, placement, size));
      const probs = await best('model x1', () => base.predict(input));
      await best('model batch call', () => base.predictBatch(new Array<Uint8Array>(batchSize).fill(input)));
      const labels = await best('resizeArgmax', () => resizeArgmax({ data: probs, size, classes: base.numClasses }, regionOf(rect, placement, size), photo.width, photo.height));
      await best('png encode', () => encodeIndexedPng(labels, photo.width, photo.height));
      await best('class fractions', () => classFractions(labels, base.numClasses));
      await best(`detect (${detectorKind})`, () => detector.detect(photo));
    }
    // The batched call is timed whole: per photo is that over the batch.
    stages[`model x${batchSize} per photo`] = stages['model batch call']! / batchSize;
    delete stages['model batch call'];
    for (const k of Object.keys(stages)) stages[k] = +stages[k]!.toFixed(1);
    detector.dispose();
  }
  for (const faces of [false, true]) {
    const predictClock = { ms: 0, calls: 0, inputs: 0 };
    const detectClock = { ms: 0, calls: 0 };
    const detector = faces ? timedDetector(await createFaceDetector({ kind: detectorKind }), detectClock) : null;
    if (detector) await detector.detect({ data: new Uint8Array(512 * 512 * 3), width: 512, height: 512 });
    detectClock.ms = 0;
    detectClock.calls = 0;
    const outDir = join(work, faces ? 'out-faces' : 'out');
    const report = await segmentFolder({ inDir, outDir, model: timedModel(base, predictClock), detector, overlay: false, batchSize });
    if (report.failed.length) throw new Error(`bench photos failed: ${JSON.stringify(report.failed)}`);
    results.push({
      mode: faces ? 'faces' : 'whole',
      images: report.segmented,
      seconds: +report.seconds.toFixed(2),
      imagesPerSecond: +(report.segmented / report.seconds).toFixed(2),
      predictMsPerCall: +(predictClock.ms / Math.max(1, predictClock.calls)).toFixed(1),
      predictCalls: predictClock.calls,
      predictInputs: predictClock.inputs,
      predictMsPerImage: +(predictClock.ms / report.segmented).toFixed(1),
      detectMsPerImage: faces ? +(detectClock.ms / Math.max(1, detectClock.calls)).toFixed(1) : 0,
      otherMsPerImage: +((report.seconds * 1000 - predictClock.ms - detectClock.ms) / report.segmented).toFixed(1),
    });
  }
  base.dispose();
  const out = { photo: '1024x1024 JPEG', model: modelNote, inputSize: base.inputSize, backend: engine.backend, threads: engine.threads ?? null, batchSize, detector: detectorKind, results, stagesMsPerPhoto: values.stages ? stages : null };
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    process.stdout.write(`segment benchmark · ${out.photo} · ${modelNote} · input ${base.inputSize} · backend ${engine.backend} · batch ${batchSize} · detector ${detectorKind}\n`);
    for (const r of results) {
      process.stdout.write(
        `  ${String(r['mode']).padEnd(6)} ${r['imagesPerSecond']} images/s (${r['images']} photos in ${r['seconds']} s; model ${r['predictMsPerCall']} ms x ${r['predictCalls']} calls of ${r['predictInputs']} inputs = ${r['predictMsPerImage']} ms/photo, detector ${r['detectMsPerImage']} ms/photo, the rest (decode, cuts, resize+argmax, PNG, not overlapped with the model) ${r['otherMsPerImage']} ms/photo)\n`,
      );
    }
    if (out.stagesMsPerPhoto) {
      process.stdout.write(`  stages alone, ms per photo (best of 3): ${Object.entries(out.stagesMsPerPhoto).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
