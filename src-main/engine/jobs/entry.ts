// The engine worker's entry: the loop of worker/serve.ts with every job of the engine.
import { serveJobs } from '../worker/serve';
import { jobs } from './index';

serveJobs(jobs);
