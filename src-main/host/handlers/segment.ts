// Batch segmentation jobs and the folder picker. One job at a time per host: the model already
// uses the machine's cores.
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import type { SegmentJob } from '../../contract/segment';
import { isImageName } from '../../dataset/io/image';
import { resolveModelFolder } from '../../engine/index';
import { checkFolders } from '../../segment/batch';
import { startSegmentJob, type RunningJob } from '../../segment/job';
import type { Handlers } from '../router';

let current: RunningJob | null = null;
let last: SegmentJob | null = null;

export const segmentHandlers: Pick<Handlers, 'segment.start' | 'segment.cancel' | 'segment.current' | 'segment.browse'> = {
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
};
