// Whole-photo segmentation of one stored photo, in an engine worker: decode, the model, and the
// resize + argmax back to the photo's size (seconds of CPU on a large photo) stay off the
// API's thread. Failures come back as ApiError data, so their code and file survive the thread
// boundary (an Error crossing it keeps only its message).
import { ApiError, type ApiErrorData } from '../../../api/errors';
import { decodePhoto } from '../../../segment/decode';
import { cachedModel } from '../../../segment/project-model';
import { segmentWhole } from '../../../segment/segment-photo';
import { defineJob } from '../protocol';

export interface SegmentPhotoInput {
  photoFile: string;
  modelDir: string;
}

export type SegmentPhotoOutput = { ok: true; labels: Uint8Array; width: number; height: number } | { ok: false; error: ApiErrorData };

export const segmentPhotoJob = defineJob<SegmentPhotoInput, SegmentPhotoOutput>({
  name: 'segment.photo',
  async run(input) {
    try {
      const model = await cachedModel(input.modelDir);
      const photo = await decodePhoto(input.photoFile);
      const { labels, width, height } = await segmentWhole(photo, model);
      return { ok: true, labels, width, height };
    } catch (error) {
      return { ok: false, error: ApiError.from(error).toJSON() };
    }
  },
});
