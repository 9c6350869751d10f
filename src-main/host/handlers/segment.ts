// Batch segmentation jobs and the folder picker. One job at a time per host: the model already
// uses the machine's cores.
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import type { SegmentJob } from '../../contract/segment';
import { ApiError } from '../../contract/errors';
import type { Handlers } from '../router';
import { checkFolders, SegmentSetupError } from '../../segment/batch';
import { startSegmentJob, type RunningJob } from '../../segment/job';
import { resolveModelDir } from '../../segment/model';
import { PHOTO_EXTENSIONS } from '../../segment/walk';

let current: RunningJob | null = null;
let last: SegmentJob | null = null;

/** A run id of the open project means its best checkpoint; anything else is a model folder. */
async function modelFolder(model: string | undefined, projectDir: string | null): Promise<string> {
  if (model && projectDir && /^[A-Za-z0-9._-]{1,100}$/.test(model)) {
    const checkpoint = join(projectDir, 'runs', model, 'checkpoints', 'best');
    if (await stat(join(checkpoint, 'model.json')).then(() => true, () => false)) return checkpoint;
  }
  try {
    return await resolveModelDir(model);
  } catch (error) {
    throw new ApiError({ code: 'not_found', message: (error as Error).message, ...(model ? { file: model } : {}) });
  }
}

export const segmentHandlers: Pick<Handlers, 'segment.start' | 'segment.cancel' | 'segment.current' | 'segment.browse'> = {
  async 'segment.start'(input, ctx) {
    if (current && current.job.state === 'running') {
      throw new ApiError({ code: 'busy', message: `a batch is already running (${current.job.inDir}); cancel it first` });
    }
    let folders: { inDir: string; outDir: string };
    try {
      folders = await checkFolders(input.inDir, input.outDir);
    } catch (error) {
      if (error instanceof SegmentSetupError) throw new ApiError({ code: 'invalid_input', field: 'inDir', message: error.message });
      throw error;
    }
    const model = await modelFolder(input.model, ctx.session.projectDir);
    const job = startSegmentJob(
      { ...folders, model, overlay: input.overlay, faces: input.faces, force: input.force },
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
    if (!current || current.job.id !== input.id) throw new ApiError({ code: 'not_found', message: `no segment job ${input.id}` });
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
      throw new ApiError({ code: 'not_found', file: dir, message: `cannot list ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
    const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort((a, b) => a.localeCompare(b));
    const photos = entries.filter((e) => e.isFile() && (PHOTO_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase())).length;
    const parent = dirname(dir);
    return { dir, parent: parent === dir ? null : parent, folders, photos };
  },
};
