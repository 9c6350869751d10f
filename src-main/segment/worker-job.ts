// A batch as an engine-worker job: the model (and the face detector, in face mode) load in the
// worker and segmentFolder runs there, so the host's thread stays free and a cancel stops the
// batch after the photo in progress. The studio's batch panel runs it (job.ts).
import type { ResolvedSegmentOptions } from '../contract/segment';
import { defineJob, loadFaceDetector } from '../engine/index';
import { segmentFolder, type SegmentProgress, type SegmentReport } from './batch';
import { loadSegmentModel } from './model';

export type SegmentJobEvent = { type: 'start'; total: number } | ({ type: 'progress' } & SegmentProgress);

export const segmentFolderJob = defineJob<ResolvedSegmentOptions, SegmentReport, SegmentJobEvent>({
  name: 'segment.folder',
  async run(input, ctx) {
    const model = await loadSegmentModel(input.model);
    const detector = input.faces ? await loadFaceDetector({ kind: input.faceDetector }) : null;
    try {
      return await segmentFolder({
        inDir: input.inDir,
        outDir: input.outDir,
        model,
        detector,
        overlay: input.overlay,
        force: input.force,
        signal: ctx.signal,
        onStart: (total) => ctx.emit({ type: 'start', total }),
        onProgress: (progress) => ctx.emit({ type: 'progress', ...progress }),
      });
    } finally {
      model.dispose();
      detector?.dispose();
    }
  },
});
