// Mask overlays for gallery cells (the class colours over the thumbnail) and the class shares a
// hover shows: fetched per image and revision, a few at a time, kept in a bounded cache.
import { ref, shallowRef } from 'vue';
import type { MaskOverlay } from '@contract/gallery';
import { useApi } from '../api/use-api';
import { blobUrl } from '../lib/blob-url';

const SHOW_KEY = 'facet.gallery.showMasks';
const CACHE = 600;
const CONCURRENCY = 3;

export interface CellOverlay {
  url: string;
  revision: number;
  shares: number[];
}

export function useGalleryOverlays(size: number) {
  const show = ref(localStorage.getItem(SHOW_KEY) === '1');
  const overlays = shallowRef(new Map<number, CellOverlay>());
  const queue: { id: number; revision: number }[] = [];
  let running = 0;

  function setShow(on: boolean): void {
    show.value = on;
    localStorage.setItem(SHOW_KEY, on ? '1' : '0');
  }

  /** The overlay of `id` at `revision`, fetched when missing or older. */
  function request(wanted: { id: number; revision: number }[]): void {
    for (const w of wanted) {
      if (overlays.value.get(w.id)?.revision === w.revision) continue;
      if (!queue.some((q) => q.id === w.id && q.revision === w.revision)) queue.unshift(w);
    }
    pump();
  }

  function pump(): void {
    while (running < CONCURRENCY && queue.length > 0) {
      const { id, revision } = queue.shift()!;
      if (overlays.value.get(id)?.revision === revision) continue;
      running++;
      void useApi()
        .call('masks.overlay', { id, size })
        .then((res: MaskOverlay) => put(id, res))
        .catch(() => {
          // No overlay leaves the bare thumbnail; the image still opens.
        })
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  function put(id: number, res: MaskOverlay): void {
    const next = new Map(overlays.value);
    const old = next.get(id);
    if (old) URL.revokeObjectURL(old.url);
    next.delete(id);
    next.set(id, { url: blobUrl(res.bytes, res.mime), revision: res.revision, shares: res.shares });
    for (const [k, v] of next) {
      if (next.size <= CACHE) break;
      URL.revokeObjectURL(v.url);
      next.delete(k);
    }
    overlays.value = next;
  }

  return { show, overlays, setShow, request };
}
