// "Predict all" and proposals over the API: a job per request in its own engine worker (segment/
// predict-all.ts), scoped to the session's project, with progress as `predictAll.progress`;
// `proposals.get` reads an image's latest proposal for the editor's per-class accept.
import { DomainError } from '../../contract/domain-error';
import type { PredictAllJob } from '../../contract/proposals';
import { readProposal } from '../../dataset/store/proposals';
import { checkedModelDir, resolveProjectModel } from '../../segment/project-model';
import { startPredictAll, type RunningPredictAll } from '../../segment/predict-all';
import { projectStoreOf as store } from '../project-of';
import type { Handlers } from '../router';

const jobs = new Map<string, RunningPredictAll>();

function jobOf(id: string): RunningPredictAll {
  const running = jobs.get(id);
  if (!running) throw new DomainError({ code: 'not_found', field: 'id', message: `no predict-all job ${id}` });
  return running;
}

export const proposalHandlers: Pick<Handlers, 'project.predictAll' | 'project.predictAllCancel' | 'project.predictAllStatus' | 'proposals.get'> = {
  async 'project.predictAll'(input, ctx) {
    const s = store(ctx);
    for (const running of jobs.values()) {
      if (running.job.state === 'running') throw new DomainError({ code: 'busy', message: `predict-all job ${running.job.id} is running; cancel it or wait for it` });
    }
    const modelDir = input.model !== undefined ? checkedModelDir(s.dir, input.model) : resolveProjectModel(s.dir, s.currentModel);
    const running = startPredictAll(
      { projectDir: s.dir, modelDir, only: input.only },
      {
        onProgress: (job: PredictAllJob, name) => {
          ctx.emit('predictAll.progress', { job, name });
          if (job.state !== 'running') ctx.emit('project.changed', { dir: s.dir, imageIds: null });
        },
      },
    );
    jobs.set(running.job.id, running);
    return { ...running.job };
  },
  async 'project.predictAllCancel'(input) {
    const running = jobOf(input.id);
    running.cancel();
    return { ...running.job };
  },
  async 'project.predictAllStatus'(input) {
    return { ...jobOf(input.id).job };
  },
  async 'proposals.get'(input, ctx) {
    const found = await readProposal(store(ctx), input.id);
    if (!found) return null;
    const { row, labels, width, height } = found;
    return { imageId: input.id, width, height, labels, model: row.model, uncertainty: row.uncertainty, f1: row.f1,
      dispute: row.dispute === null || row.dispute_class === null ? null : { share: row.dispute, classId: row.dispute_class }, maskRevision: row.mask_revision, createdAt: row.created_at };
  },
};

/** For tests: waits until every predict-all job has ended. */
export async function settledPredictAll(): Promise<void> {
  await Promise.all([...jobs.values()].map((j) => j.finished));
}
