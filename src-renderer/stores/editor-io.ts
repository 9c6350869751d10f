// Loading and saving the open image: its EditorDocument, the base revision a save must match,
// autosave after idle, and the dirty/undo state the top bar shows. Every open of an image is one
// editing session: the host folds the session's saves (autosaves) that follow each other into
// one revision, so history shows editing bursts, not one revision per autosave.
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { ImageItem } from '@contract/project';
import { ApiError } from '@contract/errors';
import { useApi } from '../api/use-api';
import { EditorDocument } from '../editor/document';
import { blobUrl, toBytes } from '../lib/blob-url';
import { errorMessage } from '../lib/error-message';
import { useGalleryStore } from './gallery';
import { useProjectStore } from './project';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

export const AUTOSAVE_IDLE_MS = 1500;
const LAST_IMAGE_KEY = 'facet.editor.lastImage';

function newEditSession(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function useEditorIo(hooks: { opened(): void }) {
  const item = ref<ImageItem | null>(null);
  const photoUrl = ref<string | null>(null);
  const doc = shallowRef<EditorDocument | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  /** Bumped after every committed edit, undo, redo or save: recomputes dirty/undo state. */
  const version = ref(0);
  const saving = ref(false);
  const saveError = ref<string | null>(null);
  const conflict = ref(false);
  const lastSavedAt = ref<Date | null>(null);
  let baseRevision = 0;
  let editSession = newEditSession();
  let autosaveTimer: ReturnType<typeof setTimeout> | null = null;

  const dirty = computed(() => (version.value, doc.value?.dirty ?? false));
  const canUndo = computed(() => (version.value, doc.value?.history.canUndo ?? false));
  const canRedo = computed(() => (version.value, doc.value?.history.canRedo ?? false));
  const saveState = computed<SaveState>(() => {
    if (saving.value) return 'saving';
    if (saveError.value) return 'error';
    return dirty.value ? 'unsaved' : 'saved';
  });

  /** Call after any committed change to the raster. */
  function changed(): void {
    version.value++;
    saveError.value = null;
    scheduleAutosave();
  }

  // Encoding and sending a large mask takes the main thread for a moment: autosave waits for a
  // pause in pointer and wheel activity, not just in edits, so panning never stutters.
  let lastInteraction = 0;
  function noteInteraction(): void {
    lastInteraction = performance.now();
  }

  function scheduleAutosave(): void {
    if (autosaveTimer) clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(() => {
      autosaveTimer = null;
      // Never save half a stroke, nor in the middle of a pan or zoom: try again shortly.
      if (doc.value?.stroking || performance.now() - lastInteraction < AUTOSAVE_IDLE_MS / 2) return scheduleAutosave();
      if (dirty.value && !conflict.value) void save();
    }, AUTOSAVE_IDLE_MS);
  }

  let openSeq = 0;

  async function open(id: number): Promise<void> {
    if (item.value?.id === id && doc.value) return;
    // The last requested image wins when several opens overlap (fast next/next/next).
    const seq = ++openSeq;
    // Loading from the request on: until the new image is in, item and doc are the old one's.
    loading.value = true;
    error.value = null;
    try {
      await flush();
      const api = useApi();
      const [img, mask] = await Promise.all([api.call('images.get', { id }), api.call('masks.get', { id })]);
      if (seq !== openSeq) return;
      const next = new EditorDocument(mask.width, mask.height, toBytes(mask.labels));
      if (photoUrl.value) URL.revokeObjectURL(photoUrl.value);
      photoUrl.value = blobUrl(img.bytes, img.mime);
      item.value = img.item;
      baseRevision = mask.revision;
      editSession = newEditSession();
      doc.value = markRaw(next);
      hooks.opened();
      saveError.value = null;
      conflict.value = false;
      lastSavedAt.value = null;
      version.value++;
      localStorage.setItem(LAST_IMAGE_KEY, String(id));
    } catch (e) {
      error.value = `cannot open image ${id}: ${errorMessage(e)}`;
    } finally {
      if (seq === openSeq) loading.value = false;
    }
  }

  /** Reopens the image of the last session (a reload lands back in the editor). */
  async function restore(): Promise<void> {
    if (doc.value || loading.value) return;
    const id = Number(localStorage.getItem(LAST_IMAGE_KEY));
    if (Number.isInteger(id) && id > 0) await open(id);
  }

  async function save(options: { force?: boolean } = {}): Promise<boolean> {
    const d = doc.value;
    const it = item.value;
    if (!d || !it) return false;
    if (saving.value) {
      scheduleAutosave();
      return false;
    }
    if (d.stroking) d.endStroke();
    const snap = d.snapshot();
    saving.value = true;
    // Image ids are per project: naming the project makes the host refuse the save if this
    // client's session has another project open, instead of writing another photo's mask.
    const project = useProjectStore().summary?.dir;
    try {
      const res = await useApi().call('masks.save', {
        ...(project === undefined ? {} : { project }),
        id: it.id,
        width: d.width,
        height: d.height,
        labels: snap.labels,
        editSession,
        ...(options.force ? {} : { baseRevision }),
      });
      // The image may have changed while saving; only then is this document still current.
      if (doc.value === d) {
        d.markSaved(snap.stepId);
        baseRevision = res.revision;
        item.value = res.item;
        lastSavedAt.value = new Date();
        saveError.value = null;
        conflict.value = false;
      }
      useGalleryStore().updateItem(res.item);
      return true;
    } catch (e) {
      if (doc.value === d) {
        conflict.value = e instanceof ApiError && e.code === 'conflict';
        saveError.value = conflict.value ? 'The mask was saved elsewhere since you opened it.' : `Not saved: ${errorMessage(e)}`;
      }
      return false;
    } finally {
      saving.value = false;
      version.value++;
      if (doc.value === d && d.dirty && !conflict.value && !saveError.value) scheduleAutosave();
    }
  }

  /** Saves pending edits now (image change, leaving the room). */
  async function flush(): Promise<void> {
    if (autosaveTimer) {
      clearTimeout(autosaveTimer);
      autosaveTimer = null;
    }
    if (doc.value?.dirty && !conflict.value) await save();
  }

  /** Opens the image again from the host (after a revert), dropping the undo history. */
  async function reload(): Promise<void> {
    const id = item.value?.id;
    if (id === undefined) return;
    if (autosaveTimer) clearTimeout(autosaveTimer);
    autosaveTimer = null;
    doc.value = null;
    await open(id);
  }

  /** The revision the open document started from (or was last saved as). */
  function revision(): number {
    return baseRevision;
  }

  return {
    item, photoUrl, doc, loading, error, reload, revision,
    version, dirty, canUndo, canRedo, saveState, saveError, conflict, lastSavedAt,
    open, restore, save, flush, changed, noteInteraction,
  };
}
