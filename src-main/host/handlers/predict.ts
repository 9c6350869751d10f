// `masks.predict`: the editor's "Predict" proposal, and `project.setModel`, which picks the model
// it uses. Prediction reuses the segment pipeline (whole-photo mode: model → probabilities →
// bilinear resize to the photo's size → argmax) on the stored, already oriented photo. Nothing is
// saved: the editor merges the proposal and saves it as a human revision if the annotator wants.
// The work (decode, model, resize + argmax: seconds on a large photo) runs in the prediction
// worker, so other clients' calls keep being answered meanwhile.
import { projectStoreOf as store } from '../project-of';
import type { Handlers } from '../router';
import { segmentPhotoOffThread } from '../../segment/prediction-host';
import { checkedModelDir, resolveProjectModel } from '../../segment/project-model';

export const predictHandlers: Pick<Handlers, 'masks.predict' | 'project.setModel'> = {
  async 'masks.predict'(input, ctx) {
    const s = store(ctx);
    const row = s.row(input.id);
    const modelDir = resolveProjectModel(s.dir, s.currentModel);
    const { labels, width, height } = await segmentPhotoOffThread(s.imagePath(row), modelDir);
    return { imageId: row.id, width, height, labels, revision: 0 };
  },
  async 'project.setModel'(input, ctx) {
    const s = store(ctx);
    if (input.model !== null) checkedModelDir(s.dir, input.model);
    s.currentModel = input.model;
    ctx.emit('project.changed', { dir: s.dir, imageIds: null });
    return s.summary();
  },
};
