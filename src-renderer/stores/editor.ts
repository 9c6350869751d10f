// The editor room's state: which image is open, its EditorDocument (raster + history), the tool
// settings, saving (autosave after idle, on image change, Ctrl+S) and the model's proposal.
// Pixel work happens in ../editor; this store only orchestrates and talks to the API.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { NUM_CLASSES } from '@contract/classes';
import type { ImageItem, ImageStatus } from '@contract/project';
import { ApiError } from '@contract/errors';
import { useApi } from '../api/use-api';
import { EditorDocument } from '../editor/document';
import { rasterFrom, type LabelRaster } from '../editor/raster';
import { summarize, type ProposalSummary } from '../editor/proposal';
import { MAX_BRUSH, MIN_BRUSH, type Point } from '../editor/tools/brush';
import { useGalleryStore } from './gallery';
import { blobUrl, toBytes } from '../composables/blob-url';

export type ToolId = 'brush' | 'eraser' | 'polygon' | 'fill';
export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

export const AUTOSAVE_IDLE_MS = 1500;
const LAST_IMAGE_KEY = 'facet.editor.lastImage';
const SETTINGS_KEY = 'facet.editor.settings';

interface Settings {
  tool: ToolId;
  cls: number;
  size: number;
  opacity: number;
  outline: boolean;
  visible: number;
  holesMaxArea: number;
  speckMinArea: number;
}

const defaults: Settings = { tool: 'brush', cls: 1, size: 16, opacity: 0.5, outline: false, visible: 0xfe, holesMaxArea: 200, speckMinArea: 30 };

function loadSettings(): Settings {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') as Partial<Settings>;
    return { ...defaults, ...saved };
  } catch {
    return { ...defaults };
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const useEditorStore = defineStore('editor', () => {
  const s = loadSettings();
  const item = ref<ImageItem | null>(null);
  const photoUrl = ref<string | null>(null);
  const doc = shallowRef<EditorDocument | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const tool = ref<ToolId>(s.tool);
  const cls = ref(s.cls);
  const size = ref(s.size);
  const lock = ref<number | null>(null);
  const opacity = ref(s.opacity);
  const outline = ref(s.outline);
  const visible = ref(s.visible);
  const overlayOn = ref(true);
  const holesMaxArea = ref(s.holesMaxArea);
  const speckMinArea = ref(s.speckMinArea);
  const hover = ref<{ x: number; y: number; cls: number } | null>(null);
  const polygon = ref<Point[]>([]);
  const helpOpen = ref(false);
  const notice = ref<string | null>(null);

  /** Bumped after every committed edit, undo, redo or save: recomputes dirty/undo state. */
  const version = ref(0);
  const saving = ref(false);
  const saveError = ref<string | null>(null);
  const conflict = ref(false);
  const lastSavedAt = ref<Date | null>(null);
  let baseRevision = 0;
  let autosaveTimer: ReturnType<typeof setTimeout> | null = null;

  const proposal = shallowRef<LabelRaster | null>(null);
  const proposalSummary = shallowRef<ProposalSummary | null>(null);
  const predicting = ref(false);
  const predictError = ref<string | null>(null);

  const dirty = computed(() => (version.value, doc.value?.dirty ?? false));
  const canUndo = computed(() => (version.value, doc.value?.history.canUndo ?? false));
  const canRedo = computed(() => (version.value, doc.value?.history.canRedo ?? false));
  const undoCount = computed(() => (version.value, doc.value?.history.undoCount ?? 0));
  const saveState = computed<SaveState>(() => {
    if (saving.value) return 'saving';
    if (saveError.value) return 'error';
    return dirty.value ? 'unsaved' : 'saved';
  });

  function persistSettings(): void {
    const out: Settings = {
      tool: tool.value,
      cls: cls.value,
      size: size.value,
      opacity: opacity.value,
      outline: outline.value,
      visible: visible.value,
      holesMaxArea: holesMaxArea.value,
      speckMinArea: speckMinArea.value,
    };
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(out));
  }

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
    await flush();
    const api = useApi();
    loading.value = true;
    error.value = null;
    try {
      const [img, mask] = await Promise.all([api.call('images.get', { id }), api.call('masks.get', { id })]);
      if (seq !== openSeq) return;
      const next = new EditorDocument(mask.width, mask.height, toBytes(mask.labels));
      if (photoUrl.value) URL.revokeObjectURL(photoUrl.value);
      photoUrl.value = blobUrl(img.bytes, img.mime);
      item.value = img.item;
      baseRevision = mask.revision;
      doc.value = markRaw(next);
      polygon.value = [];
      clearProposal();
      predictError.value = null;
      saveError.value = null;
      conflict.value = false;
      lastSavedAt.value = null;
      version.value++;
      localStorage.setItem(LAST_IMAGE_KEY, String(id));
    } catch (e) {
      error.value = `cannot open image ${id}: ${message(e)}`;
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
    try {
      const res = await useApi().call('masks.save', {
        id: it.id,
        width: d.width,
        height: d.height,
        labels: snap.labels,
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
        saveError.value = conflict.value ? 'The mask was saved elsewhere since you opened it.' : `Not saved: ${message(e)}`;
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

  // Navigation steps run one after another, so pressing '.' three times moves three images.
  let navigation: Promise<void> = Promise.resolve();

  function go(delta: number): Promise<void> {
    navigation = navigation.then(async () => {
      const it = item.value;
      if (!it) return;
      const next = await useGalleryStore().neighbour(it.id, delta);
      if (next) return open(next.id);
      const gallery = useGalleryStore();
      if (gallery.indexOf(it.id) < 0) notice.value = 'This image is not in the gallery selection any more (check the gallery filters).';
      else notice.value = delta > 0 ? 'This is the last image of the gallery selection.' : 'This is the first image of the gallery selection.';
    });
    return navigation;
  }

  async function setStatus(status: ImageStatus): Promise<void> {
    const it = item.value;
    if (!it) return;
    await flush();
    try {
      const updated = await useApi().call('images.setStatus', { id: it.id, status });
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Status not changed: ${message(e)}`;
    }
  }

  async function toggleTraining(): Promise<void> {
    const it = item.value;
    if (!it) return;
    try {
      const updated = await useApi().call('images.setTraining', { id: it.id, inTraining: !it.inTraining });
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Training set not changed: ${message(e)}`;
    }
  }

  function setTool(t: ToolId): void {
    if (t !== 'polygon') polygon.value = [];
    tool.value = t;
    persistSettings();
  }

  function setClass(c: number): void {
    if (c < 0 || c >= NUM_CLASSES) return;
    cls.value = c;
    if (tool.value === 'eraser') tool.value = 'brush';
    persistSettings();
  }

  function setSize(n: number): void {
    size.value = Math.round(Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, n)));
    persistSettings();
  }

  /** `[` and `]`: proportional steps so both 2 px and 200 px brushes change usefully. */
  function stepSize(direction: 1 | -1): void {
    const s = size.value;
    setSize(direction > 0 ? Math.max(s + 1, s * 1.25) : Math.min(s - 1, s / 1.25));
  }

  function toggleClassVisible(c: number): void {
    visible.value ^= 1 << c;
    persistSettings();
  }

  function undo(): void {
    polygon.value = [];
    if (doc.value?.undo()) changed();
  }

  function redo(): void {
    if (doc.value?.redo()) changed();
  }

  function commitPolygon(): void {
    const d = doc.value;
    const pts = polygon.value;
    polygon.value = [];
    if (!d || pts.length === 0) return;
    if (d.polygon(pts, cls.value, lock.value)) changed();
  }

  function fillAt(p: Point): void {
    if (doc.value?.fill(p, cls.value, lock.value)) changed();
  }

  function fillHoles(): void {
    const d = doc.value;
    if (!d) return;
    if (d.fillHoles(cls.value, lock.value, holesMaxArea.value)) changed();
    else notice.value = `No enclosed hole of at most ${holesMaxArea.value} px in ${cls.value === 0 ? 'background' : 'this class'}.`;
  }

  function removeSpecks(allClasses: boolean): void {
    const d = doc.value;
    if (!d) return;
    if (d.removeSpecks(allClasses ? null : cls.value, speckMinArea.value)) changed();
    else notice.value = `No island smaller than ${speckMinArea.value} px.`;
  }

  /** The stroke/polygon/fill handlers of the canvas report committed edits here. */
  function strokeEnded(): void {
    const d = doc.value;
    if (!d) return;
    d.endStroke();
    changed();
  }

  async function predict(): Promise<void> {
    const it = item.value;
    const d = doc.value;
    if (!it || !d || predicting.value) return;
    predicting.value = true;
    predictError.value = null;
    try {
      const res = await useApi().call('masks.predict', { id: it.id });
      if (item.value?.id !== it.id) return;
      const p = rasterFrom(res.width, res.height, toBytes(res.labels));
      proposalSummary.value = summarize(d.raster, p);
      proposal.value = markRaw(p);
    } catch (e) {
      predictError.value = e instanceof ApiError && e.code === 'not_found' ? e.message : `Prediction failed: ${message(e)}`;
    } finally {
      predicting.value = false;
    }
  }

  function acceptProposal(only: number | null): void {
    const d = doc.value;
    const p = proposal.value;
    if (!d || !p) return;
    if (d.acceptProposal(p, only, only === null ? lock.value : null)) changed();
    if (only === null) clearProposal();
    else proposalSummary.value = summarize(d.raster, p);
  }

  function clearProposal(): void {
    proposal.value = null;
    proposalSummary.value = null;
  }

  return {
    item, photoUrl, doc, loading, error,
    tool, cls, size, lock, opacity, outline, visible, overlayOn, holesMaxArea, speckMinArea, hover, polygon, helpOpen, notice,
    version, dirty, canUndo, canRedo, undoCount, saveState, saveError, conflict, lastSavedAt,
    proposal, proposalSummary, predicting, predictError,
    open, restore, save, flush, go, setStatus, toggleTraining,
    setTool, setClass, setSize, stepSize, toggleClassVisible, persistSettings,
    undo, redo, commitPolygon, fillAt, fillHoles, removeSpecks, strokeEnded, changed, noteInteraction,
    predict, acceptProposal, clearProposal,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEditorStore, import.meta.hot));
