// The gallery's multi-selection (click, shift-click for a range, ctrl/cmd-click to toggle, all
// under the filter) and the bulk actions on it. The selection is a set of image ids, so it
// survives scrolling, paging and refreshes; a range is taken in the gallery's filtered order.
import { computed, ref, shallowRef, type Ref } from 'vue';
import type { BulkResult, DeleteResult } from '@contract/gallery';
import type { ImageItem, ImageStatus, Split } from '@contract/project';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';
import { plural } from '../lib/plural';
import { useProjectStore } from './project';

export interface BulkChange {
  status?: ImageStatus;
  split?: Split;
  splitLocked?: boolean;
  inTraining?: boolean | null;
}

export function useGallerySelection(list: {
  total: Ref<number>;
  filters: Ref<{ status?: ImageStatus | undefined; split?: Split | undefined; search?: string | undefined }>;
  itemAt(index: number): ImageItem | undefined;
  ensureLoaded(start: number, end: number): Promise<void>;
  updateItem(item: ImageItem): void;
}) {
  const selected = shallowRef(new Set<number>());
  /** Where the last plain or ctrl click landed: the other end of a shift-click range. */
  const anchor = ref<number | null>(null);
  const busy = ref(false);
  const bulkError = ref<string | null>(null);
  const bulkNotice = ref<string | null>(null);
  const count = computed(() => selected.value.size);

  function isSelected(id: number): boolean {
    return selected.value.has(id);
  }

  /** A click on the cell at `index`: plain selects only it, toggle adds or removes it, range extends from the anchor. */
  async function click(index: number, mode: { range?: boolean; toggle?: boolean } = {}): Promise<void> {
    if (!list.itemAt(index)) await list.ensureLoaded(index, index + 1);
    const item = list.itemAt(index);
    if (!item) return;
    if (mode.range && anchor.value !== null) {
      const [from, to] = anchor.value <= index ? [anchor.value, index] : [index, anchor.value];
      await list.ensureLoaded(from, to + 1);
      const next = mode.toggle ? new Set(selected.value) : new Set<number>();
      for (let i = from; i <= to; i++) {
        const it = list.itemAt(i);
        if (it) next.add(it.id);
      }
      selected.value = next;
      return;
    }
    if (mode.toggle) {
      const next = new Set(selected.value);
      if (next.has(item.id)) next.delete(item.id);
      else next.add(item.id);
      selected.value = next;
    } else {
      selected.value = new Set([item.id]);
    }
    anchor.value = index;
  }

  /** Every image under the current filter, also those on pages not loaded. */
  async function selectAll(): Promise<void> {
    try {
      const ids = await useApi().call('images.ids', list.filters.value);
      selected.value = new Set(ids);
      bulkError.value = null;
    } catch (e) {
      bulkError.value = `Could not select: ${errorMessage(e)}`;
    }
  }

  function clear(): void {
    selected.value = new Set();
    anchor.value = null;
  }

  /** Ids that no longer exist (deleted here or elsewhere) leave the selection. */
  function keepOnly(exists: (id: number) => boolean): void {
    const next = new Set([...selected.value].filter(exists));
    if (next.size !== selected.value.size) selected.value = next;
  }

  function project(): { project?: string } {
    const dir = useProjectStore().summary?.dir;
    return dir === undefined ? {} : { project: dir };
  }

  async function update(change: BulkChange): Promise<BulkResult | null> {
    const ids = [...selected.value];
    if (ids.length === 0 || busy.value) return null;
    busy.value = true;
    try {
      const res = await useApi().call('images.update', { ids, ...change, ...project() });
      for (const item of res.items) list.updateItem(item);
      bulkError.value = null;
      bulkNotice.value = `${plural(res.updated, 'image')} changed.`;
      return res;
    } catch (e) {
      bulkError.value = `Nothing changed: ${errorMessage(e)}`;
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** Deletes the selected images (the view asks for confirmation first). */
  async function remove(): Promise<DeleteResult | null> {
    const ids = [...selected.value];
    if (ids.length === 0 || busy.value) return null;
    busy.value = true;
    try {
      const res = await useApi().call('images.delete', { ids, ...project() });
      clear();
      bulkError.value = null;
      bulkNotice.value = `${plural(res.deleted, 'image')} and ${plural(res.revisions, 'mask revision')} deleted.`;
      return res;
    } catch (e) {
      bulkError.value = `Nothing deleted: ${errorMessage(e)}`;
      return null;
    } finally {
      busy.value = false;
    }
  }

  return { selected, anchor, count, busy, bulkError, bulkNotice, isSelected, click, selectAll, clear, keepOnly, update, remove };
}
