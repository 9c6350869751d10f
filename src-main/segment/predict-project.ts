// Pre-labelling a project: the model over its unlabelled (or not reviewed, or all) images, each
// result stored as a proposal (dataset/store/proposals.ts), never as a mask revision, with the
// model's uncertainty over the predicted face region (mean of 1 - max probability, at the model's
// resolution) and, for an image with a mask, the proposal's face-part F1 against it and where it
// confidently disputes the mask (a part left out of it): what active learning and review sort by. A cancel stops after the image in progress; what is done is kept.
import { NUM_CLASSES } from '../contract/classes';
import { confidenceMask, confidentDispute, maskDispute } from '../engine/index';
import type { PredictAllReport, PredictOnly } from '../contract/proposals';
import { saveProposal } from '../dataset/store/proposals';
import { readMask } from '../dataset/store/revisions';
import { openStore, type ImageRow } from '../dataset/store/store';
import { cutInput, decodePhoto } from './decode';
import { regionOf, wholePhotoPlacement, type MapRegion } from './region';
import { resizeArgmax } from './resize-argmax';
import type { ProbabilityModel } from './types';

export interface PredictProgress {
  done: number;
  total: number;
  name: string;
}

export interface PredictProjectOptions {
  projectDir: string;
  model: ProbabilityModel;
  /** What the proposals say they came from (the model folder). */
  modelName: string;
  only: PredictOnly;
  signal?: AbortSignal;
  onStart?: (total: number) => void;
  onProgress?: (progress: PredictProgress) => void;
}

export function selectRows(rows: ImageRow[], only: PredictOnly): ImageRow[] {
  if (only === 'unlabelled') return rows.filter((r) => r.mask_revision === 0);
  if (only === 'unreviewed') return rows.filter((r) => r.status !== 'reviewed');
  return rows;
}

/** Mean (1 - max probability) over the pixels of `region` predicted as a face part (all of it when none is). */
export function faceUncertainty(probs: Float32Array, size: number, classes: number, region: MapRegion): number {
  let face = 0;
  let faceSum = 0;
  let all = 0;
  let allSum = 0;
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(size, Math.ceil(region.x + region.w));
  const y1 = Math.min(size, Math.ceil(region.y + region.h));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * size + x) * classes;
      let best = 0;
      let arg = 0;
      for (let c = 0; c < classes; c++) {
        if (probs[o + c]! > best) {
          best = probs[o + c]!;
          arg = c;
        }
      }
      all++;
      allSum += 1 - best;
      if (arg !== 0) {
        face++;
        faceSum += 1 - best;
      }
    }
  }
  return face > 0 ? faceSum / face : all > 0 ? allSum / all : 0;
}

/** Mean F1 over the face parts (classes 1..) present in truth or prediction; 1 when neither has any. */
export function faceF1(truth: Uint8Array, predicted: Uint8Array, classes: number = NUM_CLASSES): number {
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t === p) tp[t]!++;
    else {
      fp[p]!++;
      fn[t]!++;
    }
  }
  let sum = 0;
  let present = 0;
  for (let c = 1; c < classes; c++) {
    if (tp[c]! + fp[c]! + fn[c]! === 0) continue;
    present++;
    sum += (2 * tp[c]!) / (2 * tp[c]! + fp[c]! + fn[c]!);
  }
  return present > 0 ? sum / present : 1;
}

export async function predictProject(options: PredictProjectOptions): Promise<PredictAllReport> {
  const started = performance.now();
  const store = openStore(options.projectDir);
  const rows = selectRows(store.allRows(), options.only);
  options.onStart?.(rows.length);
  const failed: PredictAllReport['failed'] = [];
  let predicted = 0;
  let done = 0;
  const { model } = options;
  const size = model.inputSize;
  for (const row of rows) {
    if (options.signal?.aborted) break;
    try {
      const photo = await decodePhoto(store.imagePath(row));
      const { rect, placement } = wholePhotoPlacement(photo.width, photo.height, size);
      const input = await cutInput(photo, rect, placement, size);
      const probs = await model.predict(input);
      const region = regionOf(rect, placement, size);
      const labels = resizeArgmax({ data: probs, size, classes: model.numClasses }, region, photo.width, photo.height);
      const uncertainty = faceUncertainty(probs, size, model.numClasses, region);
      // Read the row again: a person may have saved a mask while the model ran.
      const current = store.row(row.id);
      const truth = current.mask_revision > 0 ? (await readMask(store, row.id, current.mask_revision)).labels : null;
      const f1 = truth ? faceF1(truth, labels) : null;
      const dispute = truth ? confidentDispute(truth, labels, photo.width, photo.height, confidenceMask(probs, model.numClasses), size, model.numClasses, region) : null;
      await saveProposal(store, row.id, labels, photo.width, photo.height, {
        model: options.modelName, uncertainty, f1, maskRevision: current.mask_revision, dispute: maskDispute(dispute),
      });
      predicted++;
    } catch (error) {
      failed.push({ name: row.name, error: error instanceof Error ? error.message : String(error) });
    }
    options.onProgress?.({ done: ++done, total: rows.length, name: row.name });
  }
  return { total: rows.length, predicted, failed, cancelled: options.signal?.aborted === true && done < rows.length, seconds: (performance.now() - started) / 1000, model: options.modelName };
}
