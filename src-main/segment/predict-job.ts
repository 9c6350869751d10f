// Pre-labelling as an engine-worker job: the model loads in the worker and predictProject runs
// there, so the host's thread stays free; a cancel stops after the image in progress.
import type { PredictAllReport, PredictOnly } from '../contract/proposals';
import { defineJob } from '../engine/index';
import { loadSegmentModel } from './model';
import { predictProject, type PredictProgress } from './predict-project';

export interface PredictJobInput {
  projectDir: string;
  modelDir: string;
  only: PredictOnly;
}

export type PredictJobEvent = { type: 'start'; total: number } | ({ type: 'progress' } & PredictProgress);

export const predictProjectJob = defineJob<PredictJobInput, PredictAllReport, PredictJobEvent>({
  name: 'segment.predictProject',
  async run(input, ctx) {
    const model = await loadSegmentModel(input.modelDir);
    try {
      return await predictProject({
        projectDir: input.projectDir,
        model,
        modelName: input.modelDir,
        only: input.only,
        signal: ctx.signal,
        onStart: (total) => ctx.emit({ type: 'start', total }),
        onProgress: (p) => ctx.emit({ type: 'progress', ...p }),
      });
    } finally {
      model.dispose();
    }
  },
});
