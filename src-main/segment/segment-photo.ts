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

/** One model input of a photo: the photo rectangle it shows, and where that sits in the input. */
export interface PhotoPiece {
  rect: PixelRect;
  placement: PixelRect;
}

/**
 * What a photo needs from the model: in whole-photo mode one piece (the squared photo), in face
 * mode one per face window. Planning, cutting the inputs, the model and pasting the maps back are
 * separate steps, so a folder batch can put several photos' inputs through one model call.
 */
export interface PhotoPlan {
  photo: Photo;
  mode: 'whole' | 'faces';
  pieces: PhotoPiece[];
}

export function planWhole(photo: Photo, size: number): PhotoPlan {
  return { photo, mode: 'whole', pieces: [wholePhotoPlacement(photo.width, photo.height, size)] };
}

/** A piece per face whose window touches the photo; the whole photo when no face was found. */
export function planPhoto(photo: Photo, size: number, boxes: FaceBox[] | null): PhotoPlan {
  if (!boxes || boxes.length === 0) return planWhole(photo, size);
  const pieces: PhotoPiece[] = [];
  for (const box of boxes) {
    const window = faceWindow(box);
    const rect = clipWindow(window, photo.width, photo.height);
    if (rect) pieces.push({ rect, placement: placementOf(rect, window, size) });
  }
  return { photo, mode: 'faces', pieces };
}

/** The model inputs of a plan (sharp, off the main thread), in piece order. */
export function cutPieces(plan: PhotoPlan, size: number): Promise<Uint8Array[]> {
  return Promise.all(plan.pieces.map((piece) => cutInput(plan.photo, piece.rect, piece.placement, size)));
}

/**
 * The photo's labels from the model's maps (one per piece). Face mode: a pixel is a face part if
 * some window says so; where windows of neighbouring faces overlap, the more confident part wins.
 */
export function assemblePlan(plan: PhotoPlan, maps: Float32Array[], size: number, classes: number): SegmentedPhoto {
  const { width, height } = plan.photo;
  if (maps.length !== plan.pieces.length) throw new Error(`${maps.length} probability maps for ${plan.pieces.length} model inputs`);
  if (plan.mode === 'whole') {
    const { rect, placement } = plan.pieces[0]!;
    const labels = resizeArgmax({ data: maps[0]!, size, classes }, regionOf(rect, placement, size), width, height);
    return { labels, width, height, faces: 0 };
  }
  const labels = new Uint8Array(width * height);
  // Winning probability quantised to a byte: 1 byte/pixel instead of 4 on large photos.
  const confidence = new Uint8Array(width * height);
  plan.pieces.forEach(({ rect, placement }, k) => {
    resizeArgmaxRows({ data: maps[k]!, size, classes }, regionOf(rect, placement, size), rect, (y, rowLabels, rowConf) => {
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
  });
  return { labels, width, height, faces: plan.pieces.length };
}

async function runPlan(plan: PhotoPlan, model: ProbabilityModel): Promise<SegmentedPhoto> {
  const size = model.inputSize;
  const inputs = await cutPieces(plan, size);
  const maps = await model.predictBatch(inputs);
  return assemblePlan(plan, maps, size, model.numClasses);
}

export function segmentWhole(photo: Photo, model: ProbabilityModel): Promise<SegmentedPhoto> {
  return runPlan(planWhole(photo, model.inputSize), model);
}

/** Segments each face's window and pastes it back (see assemblePlan). */
export function segmentFaces(photo: Photo, model: ProbabilityModel, boxes: FaceBox[]): Promise<SegmentedPhoto> {
  const plan = planPhoto(photo, model.inputSize, boxes);
  return runPlan(boxes.length === 0 ? { ...plan, mode: 'faces', pieces: [] } : plan, model);
}

/** Face mode when a detector is given and finds a face; the whole photo otherwise. */
export async function segmentPhoto(photo: Photo, model: ProbabilityModel, detector?: FaceDetector | null): Promise<SegmentedPhoto> {
  const boxes = detector ? await detector.detect(photo) : null;
  return runPlan(planPhoto(photo, model.inputSize, boxes), model);
}
