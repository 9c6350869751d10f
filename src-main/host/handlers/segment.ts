// Batch segmentation jobs and the folder picker. One job at a time per host: the model already
// uses the machine's cores.
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import { BATCH_SAMPLE_MASKS, MAX_RECENT_BATCHES, type SegmentJob } from '../../contract/segment';
import { importFolder } from '../../dataset/import';
import { isImageName } from '../../dataset/io/image';
import { loadPreset } from '../../dataset/presets/load';
import { resolveModelFolder } from '../../engine/index';
import { checkFolders } from '../../segment/batch';
import { startSegmentJob, type RunningJob } from '../../segment/job';
import { batchListing, resultThumbnail, segmentedRows } from '../../segment/results';
import type { Handlers } from '../router';
import { changed, storeFor } from './project';

let current: RunningJob | null = null;
let last: SegmentJob | null = null;
/** Batches that ended on this host, newest first. */
let ended: SegmentJob[] = [];

function remember(job: SegmentJob): void {
  ended = [job, ...ended.filter((j) => j.id !== job.id)].slice(0, MAX_RECENT_BATCHES);
}

/** An ended batch of this host: a result's files are read only from the folders of a known job. */
function endedJob(id: string): SegmentJob {
  const job = ended.find((j) => j.id === id);
  if (!job) throw new DomainError({ code: 'not_found', field: 'jobId', message: `no finished batch ${id} on this host` });
  return job;
}

type SegmentMethods = 'segment.start' | 'segment.cancel' | 'segment.current' | 'segment.browse' | 'segment.recent' | 'segment.resultThumbnail' | 'segment.toProject';

export const segmentHandlers: Pick<Handlers, SegmentMethods> = {
  async 'segment.start'(input, ctx) {
    if (current && current.job.state === 'running') {
      throw new DomainError({ code: 'busy', message: `a batch is already running (${current.job.inDir}); cancel it first` });
    }
    const folders = await checkFolders(input.inDir, input.outDir);
    // A run id of the open project means its best checkpoint; anything else is a model folder.
    const model = resolveModelFolder({ model: input.model, projectDir: ctx.session.projectDir }).dir;
    const job = startSegmentJob(
      { ...input, ...folders, model },
      {
        onProgress: (event) => ctx.emit('segment.progress', event),
        onJob: (state) => {
          last = state;
          ctx.emit('segment.job', state);
        },
      },
    );
    current = job;
    void job.finished.then((final) => {
      last = final;
      remember(final);
      if (final.state === 'failed') ctx.log('error', 'segment', `batch failed: ${final.error ?? 'unknown error'}`);
    });
    return job.job;
  },

  async 'segment.cancel'(input) {
    if (!current || current.job.id !== input.id) throw new DomainError({ code: 'not_found', message: `no segment job ${input.id}` });
    current.cancel();
    return current.finished;
  },

  async 'segment.current'() {
    return current ? current.job : last;
  },

  async 'segment.browse'(input) {
    const dir = resolve(input.dir ?? homedir());
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new DomainError({ code: 'not_found', file: dir, message: `cannot list ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
    const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort((a, b) => a.localeCompare(b));
    const photos = entries.filter((e) => e.isFile() && isImageName(e.name)).length;
    const parent = dirname(dir);
    return { dir, parent: parent === dir ? null : parent, folders, photos };
  },

  async 'segment.recent'() {
    // A batch's output folder can be removed or changed after it ended: its samples are what is there now.
    return Promise.all(
      ended.map(async (job) => ({
        job,
        sampleMasks: (await segmentedRows(job).catch(() => [])).slice(0, BATCH_SAMPLE_MASKS).map((r) => r.mask),
      })),
    );
  },

  async 'segment.resultThumbnail'(input) {
    return { bytes: await resultThumbnail(endedJob(input.jobId), input.mask, input.size), mime: 'image/jpeg' };
  },

  async 'segment.toProject'(input, ctx) {
    const job = endedJob(input.jobId);
    const s = storeFor(ctx, input.project);
    const listing = await batchListing(job);
    // The masks are the studio's own classes (labels8); the import records them as a model's.
    const report = await importFolder(s, {
      source: job.inDir,
      listing,
      preset: loadPreset('labels8'),
      mode: 'copy',
      masksBy: 'model',
      onProgress: (p) => ctx.emit('import.progress', p),
    });
    changed(ctx, s, null);
    return report;
  },
};
