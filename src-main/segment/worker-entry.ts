// The entry of segment's engine workers: a batch's worker (job.ts starts one per batch), the
// editor's prediction worker (prediction-host.ts) and a project's pre-labelling (predict-all.ts).
import { serveJobs } from '../engine/index';
import { segmentPhotoJob } from './photo-job';
import { segmentFolderJob } from './worker-job';
import { predictProjectJob } from './predict-job';

serveJobs([segmentFolderJob, segmentPhotoJob, predictProjectJob]);
