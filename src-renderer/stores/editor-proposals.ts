// The model in the loop: a prediction for the open image, what it would change, and accepting it
// (all of it within the class lock, or one class) as one undo step.
import { markRaw, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { ImageItem } from '@contract/project';
import { ApiError } from '@contract/errors';
import { useApi } from '../api/use-api';
import type { EditorDocument } from '../editor/document';
import { rasterFrom, type LabelRaster } from '../editor/raster';
import { summarize, type ProposalSummary } from '../editor/proposal';
import { toBytes } from '../lib/blob-url';
import { errorMessage } from '../lib/error-message';

export function useEditorProposals(editor: {
  item: Ref<ImageItem | null>;
  doc: ShallowRef<EditorDocument | null>;
  /** An image is being opened: item and doc are still the previous image's. */
  loading: Ref<boolean>;
  lock: Ref<number | null>;
  changed(): void;
}) {
  const { item, doc, lock } = editor;
  const proposal = shallowRef<LabelRaster | null>(null);
  const proposalSummary = shallowRef<ProposalSummary | null>(null);
  const predicting = ref(false);
  const predictError = ref<string | null>(null);

  async function predict(): Promise<void> {
    const it = item.value;
    const d = doc.value;
    // While the next image opens, a prediction would be for the image being left (and dropped).
    if (!it || !d || predicting.value || editor.loading.value) return;
    predicting.value = true;
    predictError.value = null;
    try {
      const res = await useApi().call('masks.predict', { id: it.id });
      if (item.value?.id !== it.id) return;
      const p = rasterFrom(res.width, res.height, toBytes(res.labels));
      proposalSummary.value = summarize(d.raster, p);
      proposal.value = markRaw(p);
    } catch (e) {
      predictError.value = e instanceof ApiError && e.code === 'not_found' ? e.message : `Prediction failed: ${errorMessage(e)}`;
    } finally {
      predicting.value = false;
    }
  }

  function acceptProposal(only: number | null): void {
    const d = doc.value;
    const p = proposal.value;
    if (!d || !p) return;
    if (d.acceptProposal(p, only, only === null ? lock.value : null)) editor.changed();
    if (only === null) clearProposal();
    else proposalSummary.value = summarize(d.raster, p);
  }

  function clearProposal(): void {
    proposal.value = null;
    proposalSummary.value = null;
  }

  return { proposal, proposalSummary, predicting, predictError, predict, acceptProposal, clearProposal };
}
