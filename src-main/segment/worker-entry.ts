// The entry of segment's engine workers: a batch's worker (job.ts starts one per batch) and the
// editor's prediction worker (prediction-host.ts).
import { serveJobs } from '../engine/index';
import { segmentPhotoJob } from './photo-job';
import { segmentFolderJob } from './worker-job';

serveJobs([segmentFolderJob, segmentPhotoJob]);
