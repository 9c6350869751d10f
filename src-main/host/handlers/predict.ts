// `masks.predict`: the editor's "Predict" proposal, and `project.setModel`, which picks the model
// it uses. Prediction reuses the segment pipeline (whole-photo mode: model → probabilities →
// bilinear resize to the photo's size → argmax) on the stored, already oriented photo. Nothing is
// saved: the editor merges the proposal and saves it as a human revision if the annotator wants.
import { projectStoreOf as store } from '../project-of';
import type { Handlers } from '../router';
import { decodePhoto } from '../../segment/decode';
import { segmentWhole } from '../../segment/segment-photo';
import { cachedModel, checkedModelDir, resolveProjectModel } from '../../segment/project-model';

export const predictHandlers: Pick<Handlers, 'masks.predict' | 'project.setModel'> = {
  async 'masks.predict'(input, ctx) {
    const s = store(ctx);
    const row = s.row(input.id);
    const model = await cachedModel(resolveProjectModel(s.dir, s.currentModel));
    const photo = await decodePhoto(s.path(row.file));
    const { labels, width, height } = await segmentWhole(photo, model);
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
