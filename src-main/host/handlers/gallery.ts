// Gallery work and mask history over the store: ids under a filter, bulk changes, delete,
// thumbnail overlays and reverting a mask. Every change emits project.changed with the ids.
import type { Handlers } from '../router';
import { toItem } from '../../dataset/store/store';
import { deleteImages, updateImages } from '../../dataset/store/bulk';
import { revertMask } from '../../dataset/store/revisions';
import { maskOverlay } from '../../dataset/mask-overlay';
import { changed, store, storeFor } from './project';

type GalleryMethods = 'images.ids' | 'images.update' | 'images.delete' | 'masks.overlay' | 'masks.revert';

export const galleryHandlers: Pick<Handlers, GalleryMethods> = {
  async 'images.ids'(input, ctx) {
    return store(ctx).ids(input);
  },
  async 'images.update'(input, ctx) {
    const s = storeFor(ctx, input.project);
    const rows = updateImages(s, input.ids, { status: input.status, split: input.split, splitLocked: input.splitLocked, inTraining: input.inTraining });
    changed(ctx, s, rows.map((r) => r.id));
    return { updated: rows.length, items: rows.map(toItem) };
  },
  async 'images.delete'(input, ctx) {
    const s = storeFor(ctx, input.project);
    const outcome = await deleteImages(s, input.ids);
    for (const file of outcome.leftovers) ctx.log('warn', 'images.delete', `${file}: could not be removed (no image refers to it any more)`);
    // Deleting shifts every later image of the gallery: the list starts over.
    changed(ctx, s, null);
    return { deleted: outcome.deleted.length, revisions: outcome.revisions };
  },
  async 'masks.overlay'(input, ctx) {
    const s = store(ctx);
    s.row(input.id);
    return maskOverlay(s, input.id, input.size);
  },
  async 'masks.revert'(input, ctx) {
    const s = storeFor(ctx, input.project);
    const { row, revision } = await revertMask(s, input.id, input.revision, { author: input.author, baseRevision: input.baseRevision });
    changed(ctx, s, [input.id]);
    return { item: toItem(row), revision };
  },
};
