// One photo → one label map at the photo's own resolution. Whole-photo mode squares the photo
// (edge-padded, aspect kept) to the model's input; face mode segments a margin-padded square
// around each detected face and pastes the masks back, so small faces in large photos get the
// model's full resolution.
import { cutInput, type Photo } from './decode';
import { placementOf, regionOf, wholePhotoPlacement, type PixelRect } from './region';
import { resizeArgmax, resizeArgmaxRows } from './resize-argmax';
import type { FaceBox, FaceDetector } from '../engine/index';
import type { ProbabilityModel } from './types';

export interface SegmentedPhoto {
  labels: Uint8Array;
  width: number;
  height: number;
  /** Faces segmented (face mode), 0 in whole-photo mode or when none was found. */
  faces: number;
}

/**
 * The square window around a face: the detector's box is the face from brows to chin; the
 * training photos (CelebAMask-HQ) frame a face with hair, ears and neck around it, the face box
 * being about 0.6 of the side, a little below the centre.
 */
export const FACE_WINDOW_SCALE = 1.6;
const FACE_WINDOW_SHIFT_UP = 0.1;

export function faceWindow(box: FaceBox): { left: number; top: number; side: number } {
  const side = Math.max(box.w, box.h) * FACE_WINDOW_SCALE;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2 - box.h * FACE_WINDOW_SHIFT_UP;
  return { left: cx - side / 2, top: cy - side / 2, side };
}

function clipWindow(window: { left: number; top: number; side: number }, width: number, height: number): PixelRect | null {
  const x0 = Math.max(0, Math.floor(window.left));
  const y0 = Math.max(0, Math.floor(window.top));
  const x1 = Math.min(width, Math.ceil(window.left + window.side));
  const y1 = Math.min(height, Math.ceil(window.top + window.side));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

export async function segmentWhole(photo: Photo, model: ProbabilityModel): Promise<SegmentedPhoto> {
  const size = model.inputSize;
  const { rect, placement } = wholePhotoPlacement(photo.width, photo.height, size);
  const input = await cutInput(photo, rect, placement, size);
  const probs = await model.predict(input);
  const labels = resizeArgmax({ data: probs, size, classes: model.numClasses }, regionOf(rect, placement, size), photo.width, photo.height);
  return { labels, width: photo.width, height: photo.height, faces: 0 };
}

/**
 * Segments each face's window and pastes it back. A pixel is a face part if some window says so;
 * where windows of neighbouring faces overlap, the more confident part wins.
 */
export async function segmentFaces(photo: Photo, model: ProbabilityModel, boxes: FaceBox[]): Promise<SegmentedPhoto> {
  const { width, height } = photo;
  const size = model.inputSize;
  const labels = new Uint8Array(width * height);
  // Winning probability quantised to a byte: 1 byte/pixel instead of 4 on large photos.
  const confidence = new Uint8Array(width * height);
  let faces = 0;
  for (const box of boxes) {
    const window = faceWindow(box);
    const rect = clipWindow(window, width, height);
    if (!rect) continue;
    const placement = placementOf(rect, window, size);
    const input = await cutInput(photo, rect, placement, size);
    const probs = await model.predict(input);
    resizeArgmaxRows({ data: probs, size, classes: model.numClasses }, regionOf(rect, placement, size), rect, (y, rowLabels, rowConf) => {
      const base = y * width + rect.x;
      for (let x = 0; x < rect.w; x++) {
        const label = rowLabels[x]!;
        if (label === 0) continue;
        const conf = Math.round(rowConf[x]! * 255);
        const i = base + x;
        if (labels[i] === 0 || conf > confidence[i]!) {
          labels[i] = label;
          confidence[i] = conf;
        }
      }
    });
    faces++;
  }
  return { labels, width, height, faces };
}

/** Face mode when a detector is given and finds a face; the whole photo otherwise. */
export async function segmentPhoto(photo: Photo, model: ProbabilityModel, detector?: FaceDetector | null): Promise<SegmentedPhoto> {
  if (!detector) return segmentWhole(photo, model);
  const boxes = await detector.detect(photo);
  if (boxes.length === 0) return segmentWhole(photo, model);
  return segmentFaces(photo, model, boxes);
}
