// The batch room: one segmentation job of a photo folder, its live progress and the folder
// picker's listing. Survives room switches (the job keeps running on the host).
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FolderListing, SegmentJob, SegmentProgressEvent } from '@contract/segment';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export interface BatchForm {
  inDir: string;
  outDir: string;
  /** '' = the bundled default model; a run id of the project; or a model folder path. */
  model: string;
  overlay: boolean;
  faces: boolean;
  force: boolean;
}

export const useBatchStore = defineStore('batch', () => {
  const form = ref<BatchForm>({ inDir: '', outDir: '', model: '', overlay: true, faces: false, force: false });
  const job = ref<SegmentJob | null>(null);
  const last = ref<SegmentProgressEvent | null>(null);
  const recent = ref<SegmentProgressEvent[]>([]);
  const error = ref<string | null>(null);
  const starting = ref(false);
  let subscribed = false;

  const running = computed(() => job.value?.state === 'running');
  const fraction = computed(() => {
    const total = last.value?.total ?? job.value?.total ?? 0;
    return total > 0 ? (last.value?.done ?? job.value?.done ?? 0) / total : 0;
  });

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    const api = useApi();
    api.on('segment.progress', (p) => {
      if (job.value && p.jobId !== job.value.id) return;
      last.value = p;
      recent.value = [p, ...recent.value].slice(0, 200);
      if (job.value) {
        job.value = {
          ...job.value,
          done: p.done,
          total: p.total,
          segmented: job.value.segmented + (p.outcome === 'segmented' ? 1 : 0),
          skipped: job.value.skipped + (p.outcome === 'skipped' ? 1 : 0),
          failed: p.outcome === 'failed' ? [...job.value.failed, { file: p.file, error: p.error ?? 'failed' }] : job.value.failed,
        };
      }
    });
    api.on('segment.job', (j) => {
      if (!job.value || job.value.id === j.id || j.state === 'running') job.value = j;
    });
  }

  async function load(): Promise<void> {
    subscribe();
    try {
      job.value = await useApi().call('segment.current', {});
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function start(): Promise<void> {
    subscribe();
    error.value = null;
    starting.value = true;
    last.value = null;
    recent.value = [];
    try {
      const f = form.value;
      job.value = await useApi().call('segment.start', {
        inDir: f.inDir.trim(),
        outDir: f.outDir.trim(),
        ...(f.model.trim() ? { model: f.model.trim() } : {}),
        overlay: f.overlay,
        faces: f.faces,
        force: f.force,
      });
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      starting.value = false;
    }
  }

  async function cancel(): Promise<void> {
    if (!job.value) return;
    try {
      job.value = await useApi().call('segment.cancel', { id: job.value.id });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function browse(dir?: string): Promise<FolderListing> {
    return useApi().call('segment.browse', dir ? { dir } : {});
  }

  return { form, job, last, recent, error, starting, running, fraction, load, start, cancel, browse };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useBatchStore, import.meta.hot));
