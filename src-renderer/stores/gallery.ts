// The gallery's view of the project: filters (the name search applies as you type, after a short
// pause), a paged and cached image list (only pages near the viewport are fetched, so 10,000
// images cost a few requests), thumbnails and mask overlays with bounded caches, the cursor and
// the multi-selection with its bulk actions, and next/previous for the editor.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { ImageItem, ImageSort, ImageStatus, Split } from '@contract/project';
import { useApi } from '../api/use-api';
import { useProjectStore } from './project';
import { blobUrl } from '../lib/blob-url';
import { errorMessage } from '../lib/error-message';
import { useGallerySelection } from './gallery-selection';
import { useGalleryOverlays } from './gallery-overlays';

export const PAGE_SIZE = 200;
const THUMB_SIZE = 160;
const THUMB_CACHE = 600;
const THUMB_CONCURRENCY = 4;
/** The name search waits for this pause in typing before it asks the host. */
export const SEARCH_DEBOUNCE_MS = 250;

export const useGalleryStore = defineStore('gallery', () => {
  const status = ref<ImageStatus | null>(null);
  const split = ref<Split | null>(null);
  const search = ref('');
  /** `search` as applied: it follows the typing after SEARCH_DEBOUNCE_MS of quiet. */
  const appliedSearch = ref('');
  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  watch(search, (text) => {
    if (searchTimer) clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      searchTimer = null;
      appliedSearch.value = text;
    }, SEARCH_DEBOUNCE_MS);
  });
  /** Applies the search now (Enter). */
  function applySearch(): void {
    if (searchTimer) clearTimeout(searchTimer);
    searchTimer = null;
    appliedSearch.value = search.value;
  }
  /** Active-learning order: by name, most uncertain proposal first, or worst proposal-vs-mask F1 first. */
  const sort = ref<ImageSort>('name');
  const total = ref(0);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  const pages = shallowRef(new Map<number, ImageItem[]>());
  const thumbs = shallowRef(new Map<number, string>());
  const selectedIndex = ref(0);
  /** Bumped when filters change, so stale responses are dropped. */
  let generation = 0;
  const inflight = new Map<number, Promise<void>>();

  const filters = computed(() => ({
    status: status.value ?? undefined,
    split: split.value ?? undefined,
    search: appliedSearch.value.trim() || undefined,
  }));

  async function fetchPage(page: number): Promise<void> {
    const existing = inflight.get(page);
    if (existing) return existing;
    const gen = generation;
    const job = (async () => {
      try {
        const order = sort.value === 'name' ? {} : { sort: sort.value };
        const res = await useApi().call('images.list', { ...filters.value, ...order, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
        if (gen !== generation) return;
        total.value = res.total;
        const next = new Map(pages.value);
        next.set(page, res.items);
        pages.value = next;
        loaded.value = true;
        error.value = null;
      } catch (e) {
        if (gen === generation) error.value = errorMessage(e);
      } finally {
        inflight.delete(page);
      }
    })();
    inflight.set(page, job);
    return job;
  }

  /** Starts over (filters changed or the project changed a lot). */
  async function reload(): Promise<void> {
    generation++;
    inflight.clear();
    pages.value = new Map();
    await fetchPage(0);
    if (selectedIndex.value >= total.value) selectedIndex.value = Math.max(0, total.value - 1);
  }

  /**
   * Refetches the loaded pages that hold changed images, keeping the scroll position. Under a
   * status or split filter a change can move later items up a place, so later pages come too.
   */
  async function refreshFor(ids: number[]): Promise<void> {
    const hit = new Set<number>();
    for (const id of ids) {
      const at = indexOf(id);
      if (at >= 0) hit.add(Math.floor(at / PAGE_SIZE));
    }
    if (hit.size === 0) return;
    const filtered = status.value !== null || split.value !== null;
    const from = Math.min(...hit);
    const pagesToFetch = [...pages.value.keys()].filter((p) => (filtered ? p >= from : hit.has(p)));
    await Promise.all(pagesToFetch.map((p) => fetchPageFresh(p)));
  }

  async function fetchPageFresh(page: number): Promise<void> {
    inflight.delete(page);
    await fetchPage(page);
  }

  /**
   * Anything may have changed (an import, a delete, another process): refetches the pages on
   * screen in place, without emptying the grid first, and drops pages past the new end.
   */
  async function refreshAll(): Promise<void> {
    generation++;
    inflight.clear();
    const loadedPages = [...pages.value.keys()];
    await Promise.all((loadedPages.length ? loadedPages : [0]).map((p) => fetchPage(p)));
    const lastPage = Math.max(0, Math.ceil(total.value / PAGE_SIZE) - 1);
    if ([...pages.value.keys()].some((p) => p > lastPage)) pages.value = new Map([...pages.value].filter(([p]) => p <= lastPage));
    if (selectedIndex.value >= total.value) selectedIndex.value = Math.max(0, total.value - 1);
  }

  /** Loads the pages of [start, end) and waits for them. */
  async function ensureLoaded(start: number, end: number): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= Math.floor(Math.max(0, end - 1) / PAGE_SIZE); p++) {
      if (!pages.value.has(p)) jobs.push(fetchPage(p));
    }
    await Promise.all(jobs);
  }

  function itemAt(index: number): ImageItem | undefined {
    return pages.value.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Makes sure the items of [start, end) are loaded or loading. */
  function ensureRange(start: number, end: number): void {
    const last = Math.min(end, total.value) - 1;
    for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= Math.floor(Math.max(0, last) / PAGE_SIZE); p++) {
      if (!pages.value.has(p)) void fetchPage(p);
    }
  }

  function indexOf(id: number): number {
    for (const [page, items] of pages.value) {
      const k = items.findIndex((it) => it.id === id);
      if (k >= 0) return page * PAGE_SIZE + k;
    }
    return -1;
  }

  /** Finds an image's index, fetching pages in order when it is not in one already loaded. */
  async function locate(id: number): Promise<number> {
    let at = indexOf(id);
    for (let page = 0; at < 0 && page * PAGE_SIZE < total.value; page++) {
      if (pages.value.has(page)) continue;
      await fetchPage(page);
      at = indexOf(id);
    }
    return at;
  }

  /** The image `delta` places from `id` in the filtered order, loading its page if needed. */
  async function neighbour(id: number, delta: number): Promise<ImageItem | null> {
    if (!loaded.value) await reload();
    const at = await locate(id);
    if (at < 0) return null;
    const target = at + delta;
    if (target < 0 || target >= total.value) return null;
    const page = Math.floor(target / PAGE_SIZE);
    if (!pages.value.has(page)) await fetchPage(page);
    selectedIndex.value = target;
    return itemAt(target) ?? null;
  }

  /** Puts an item changed elsewhere (status, training flag) in place. */
  function updateItem(item: ImageItem): void {
    for (const [page, items] of pages.value) {
      const k = items.findIndex((it) => it.id === item.id);
      if (k < 0) continue;
      const next = new Map(pages.value);
      const copy = items.slice();
      copy[k] = item;
      next.set(page, copy);
      pages.value = next;
      // A new mask revision means a new thumbnail.
      dropThumb(item.id);
      return;
    }
  }

  // Thumbnails: fetched a few at a time, newest requests first, kept in a bounded cache.
  let wanted = new Set<number>();
  const queue: number[] = [];
  let running = 0;

  function requestThumbs(ids: number[]): void {
    wanted = new Set(ids);
    for (const id of ids) if (!thumbs.value.has(id) && !queue.includes(id)) queue.push(id);
    pump();
  }

  function pump(): void {
    while (running < THUMB_CONCURRENCY && queue.length > 0) {
      const id = queue.shift()!;
      if (!wanted.has(id) || thumbs.value.has(id)) continue;
      running++;
      void useApi()
        .call('images.thumbnail', { id, size: THUMB_SIZE })
        .then((res) => {
          const url = blobUrl(res.bytes, res.mime);
          const next = new Map(thumbs.value);
          next.set(id, url);
          evict(next);
          thumbs.value = next;
        })
        .catch(() => {
          // A missing thumbnail leaves the placeholder; the image still opens.
        })
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  function evict(map: Map<number, string>): void {
    if (map.size <= THUMB_CACHE) return;
    for (const [id, url] of map) {
      if (map.size <= THUMB_CACHE) break;
      if (wanted.has(id)) continue;
      URL.revokeObjectURL(url);
      map.delete(id);
    }
  }

  function dropThumb(id: number): void {
    const url = thumbs.value.get(id);
    if (!url) return;
    URL.revokeObjectURL(url);
    const next = new Map(thumbs.value);
    next.delete(id);
    thumbs.value = next;
  }

  watch([filters, sort], () => {
    selectedIndex.value = 0;
    // A bulk action acts on what the user sees: nothing hidden by the new filter stays selected.
    selection.clear();
    void reload();
  });

  const project = useProjectStore();
  watch(
    () => project.changes,
    () => {
      const ids = project.changedIds;
      // null means "anything may have changed" (an import): start over.
      if (ids === null) return void refreshAll();
      for (const id of ids) dropThumb(id);
      void refreshFor(ids);
    },
  );

  const selection = useGallerySelection({ total, filters, itemAt, ensureLoaded, updateItem });
  const overlays = useGalleryOverlays(THUMB_SIZE);

  return {
    sort,
    ...selection,
    showMasks: overlays.show,
    overlays: overlays.overlays,
    setShowMasks: overlays.setShow,
    requestOverlays: overlays.request,
    status,
    split,
    search,
    appliedSearch,
    applySearch,
    refreshAll,
    ensureLoaded,
    total,
    loaded,
    error,
    pages,
    thumbs,
    selectedIndex,
    reload,
    itemAt,
    ensureRange,
    indexOf,
    neighbour,
    updateItem,
    requestThumbs,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useGalleryStore, import.meta.hot));
