// Whole-photo segmentation of one stored photo, as an engine-worker job: decode, the model, and
// the resize + argmax back to the photo's size (seconds of CPU on a large photo) stay off the
// API's thread. A failure is thrown as usual: a DomainError keeps its code and file across the
// thread (the engine worker carries it).
import { defineJob } from '../engine/index';
import { decodePhoto } from './decode';
import { cachedModel } from './project-model';
import { segmentWhole } from './segment-photo';

export interface SegmentPhotoInput {
  photoFile: string;
  modelDir: string;
}

export interface SegmentPhotoOutput {
  labels: Uint8Array;
  width: number;
  height: number;
}

export const segmentPhotoJob = defineJob<SegmentPhotoInput, SegmentPhotoOutput>({
  name: 'segment.photo',
  async run(input) {
    const model = await cachedModel(input.modelDir);
    const photo = await decodePhoto(input.photoFile);
    const { labels, width, height } = await segmentWhole(photo, model);
    return { labels, width, height };
  },
});
