// `masks.predict`: the editor's "Predict" proposal, and `project.setModel`, which picks the model
// it uses. Prediction reuses the segment pipeline (whole-photo mode: model → probabilities →
// bilinear resize to the photo's size → argmax) on the stored, already oriented photo. Nothing is
// saved: the editor merges the proposal and saves it as a human revision if the annotator wants.
// The work (decode, model, resize + argmax: seconds on a large photo) runs in the prediction
// worker, so other clients' calls keep being answered meanwhile.
import type { Handlers } from '../router';
import type { HandlerContext } from '../context';
import { ApiError } from '../errors';
import { openStore, type ProjectStore } from '../../dataset/store/store';
import { checkedModelDir, resolveProjectModel } from '../../segment/project-model';
import { segmentPhotoOffThread } from '../../engine/worker/prediction-host';

function store(ctx: HandlerContext): ProjectStore {
  const dir = ctx.session.projectDir;
  if (!dir) throw new ApiError({ code: 'not_found', message: 'no project is open (project.open first)' });
  return openStore(dir, { create: true });
}

export const predictHandlers: Pick<Handlers, 'masks.predict' | 'project.setModel'> = {
  async 'masks.predict'(input, ctx) {
    const s = store(ctx);
    const row = s.row(input.id);
    const modelDir = await resolveProjectModel(s.dir, s.currentModel);
    const out = await segmentPhotoOffThread(s.imagePath(row), modelDir);
    if (!out.ok) throw new ApiError(out.error);
    return { imageId: row.id, width: out.width, height: out.height, labels: out.labels, revision: 0 };
  },
  async 'project.setModel'(input, ctx) {
    const s = store(ctx);
    if (input.model !== null) await checkedModelDir(s.dir, input.model);
    s.currentModel = input.model;
    ctx.emit('project.changed', { dir: s.dir, imageIds: null });
    return s.summary();
  },
};
