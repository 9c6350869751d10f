// The mask's revision history in the editor: who or what made each revision (import, a person,
// a model, a revert) and when; viewing one against the current mask (the differing pixels are
// drawn on the canvas, with counts per class); reverting to one as a new revision.
import { markRaw, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { ImageItem, MaskRevision } from '@contract/project';
import { useApi } from '../api/use-api';
import type { EditorDocument } from '../editor/document';
import { rasterFrom, type LabelRaster } from '../editor/raster';
import { summarize, type ProposalSummary } from '../editor/proposal';
import { toBytes } from '../lib/blob-url';
import { errorMessage } from '../lib/error-message';
import { useGalleryStore } from './gallery';
import { useProjectStore } from './project';

/** Words for a revision's origin, from its kind (`human`, `model:<run>`, `import:<preset>`, `revert:<n>`). */
export function describeRevision(r: Pick<MaskRevision, 'kind' | 'author'>): string {
  if (r.kind === 'human') return `edited by ${r.author}`;
  if (r.kind.startsWith('import:')) return `imported (${r.kind.slice('import:'.length)})`;
  if (r.kind.startsWith('model:')) return `model proposal (${r.kind.slice('model:'.length)})`;
  if (r.kind.startsWith('revert:')) return `${r.author} reverted to r${r.kind.slice('revert:'.length)}`;
  return `${r.kind} by ${r.author}`;
}

export function useEditorHistory(editor: {
  item: Ref<ImageItem | null>;
  doc: ShallowRef<EditorDocument | null>;
  flush(): Promise<void>;
  reload(): Promise<void>;
  revision(): number;
}) {
  const revisions = ref<MaskRevision[]>([]);
  const historyError = ref<string | null>(null);
  const historyLoading = ref(false);
  /** The revision being compared with the current mask, and its pixels. */
  const viewing = ref<number | null>(null);
  const comparison = shallowRef<LabelRaster | null>(null);
  const comparisonSummary = shallowRef<ProposalSummary | null>(null);
  const reverting = ref(false);

  async function loadHistory(): Promise<void> {
    const it = editor.item.value;
    if (!it) return;
    historyLoading.value = true;
    try {
      const list = await useApi().call('masks.revisions', { id: it.id });
      if (editor.item.value?.id !== it.id) return;
      revisions.value = list.slice().reverse();
      historyError.value = null;
    } catch (e) {
      historyError.value = `History not loaded: ${errorMessage(e)}`;
    } finally {
      historyLoading.value = false;
    }
  }

  /** Compares `revision` with the mask as it is now (unsaved edits included). */
  async function view(revision: number): Promise<void> {
    const it = editor.item.value;
    const d = editor.doc.value;
    if (!it || !d) return;
    try {
      const mask = await useApi().call('masks.get', { id: it.id, revision });
      if (editor.item.value?.id !== it.id || editor.doc.value !== d) return;
      const raster = rasterFrom(mask.width, mask.height, toBytes(mask.labels));
      viewing.value = revision;
      comparisonSummary.value = summarize(d.raster, raster);
      comparison.value = markRaw(raster);
      historyError.value = null;
    } catch (e) {
      historyError.value = `Revision ${revision} not shown: ${errorMessage(e)}`;
    }
  }

  /** The current mask changed (an edit): the comparison's counts follow it. */
  function refreshComparison(): void {
    const d = editor.doc.value;
    if (d && comparison.value) comparisonSummary.value = summarize(d.raster, comparison.value);
  }

  function closeView(): void {
    viewing.value = null;
    comparison.value = null;
    comparisonSummary.value = null;
  }

  /** Makes `revision` current again as a new revision (pending edits are saved first, so they stay in history). */
  async function revert(revision: number): Promise<boolean> {
    const it = editor.item.value;
    if (!it || reverting.value) return false;
    reverting.value = true;
    try {
      await editor.flush();
      const project = useProjectStore().summary?.dir;
      const res = await useApi().call('masks.revert', {
        id: it.id,
        revision,
        baseRevision: editor.revision(),
        ...(project === undefined ? {} : { project }),
      });
      useGalleryStore().updateItem(res.item);
      closeView();
      await editor.reload();
      await loadHistory();
      historyError.value = null;
      return true;
    } catch (e) {
      historyError.value = `Not reverted: ${errorMessage(e)}`;
      return false;
    } finally {
      reverting.value = false;
    }
  }

  function resetHistory(): void {
    closeView();
    revisions.value = [];
    historyError.value = null;
  }

  return {
    revisions, historyError, historyLoading, viewing, comparison, comparisonSummary, reverting,
    loadHistory, view, refreshComparison, closeView, revert, resetHistory,
  };
}
