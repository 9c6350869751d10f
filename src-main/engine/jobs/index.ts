// The jobs the engine worker can run. To add one (e.g. train/eval/predict), write it as a file
// in this folder with `defineJob` and add it to this list — one line.
import type { JobDefinition } from '../worker/protocol';
import { benchJob, computeJob, infoJob, trainStepJob } from './builtin';
import { applyJob, gradientsJob, predictJob, scoreJob, setupJob, stateJob } from '../train/replica-jobs';
import { evalJob, trainJob } from './train';

export const jobs: ReadonlyArray<JobDefinition<never, unknown, never>> = [
  infoJob,
  computeJob,
  benchJob,
  trainStepJob,
  setupJob,
  gradientsJob,
  applyJob,
  predictJob,
  scoreJob,
  stateJob,
  trainJob,
  evalJob,
];
