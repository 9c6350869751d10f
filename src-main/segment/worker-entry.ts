// The entry of a batch's engine worker (job.ts starts one per batch): the segment job only.
import { serveJobs } from '../engine/index';
import { segmentFolderJob } from './worker-job';

serveJobs([segmentFolderJob]);
