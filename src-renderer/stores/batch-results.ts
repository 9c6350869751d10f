// The batch room's recent results: the batches this host finished, a few overlay thumbnails of
// each, and bringing one into the open project for review (its photos with the model's masks).
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import type { ImportReport } from '@contract/project';
import type { BatchResult } from '@contract/segment';
import { useApi } from '../api/use-api';
import { blobUrl } from '../lib/blob-url';
import { errorMessage } from '../lib/error-message';
import { useProjectStore } from './project';

/** Thumbnail size in pixels (the longer side). */
export const RESULT_THUMB_SIZE = 120;

export const useBatchResultsStore = defineStore('batch-results', () => {
  const results = ref<BatchResult[]>([]);
  /** Object URLs by `${jobId}/${mask}`; absent while loading, null when it could not be read. */
  const thumbs = ref<Record<string, string | null>>({});
  const error = ref<string | null>(null);
  /** The job being brought into the project, if any. */
  const bringing = ref<string | null>(null);
  const reports = ref<Record<string, ImportReport>>({});
  const bringErrors = ref<Record<string, string>>({});
  let subscribed = false;

  const thumbKey = (jobId: string, mask: string): string => `${jobId}/${mask}`;

  async function loadThumb(jobId: string, mask: string): Promise<void> {
    const key = thumbKey(jobId, mask);
    if (key in thumbs.value) return;
    thumbs.value = { ...thumbs.value, [key]: '' };
    try {
      const t = await useApi().call('segment.resultThumbnail', { jobId, mask, size: RESULT_THUMB_SIZE });
      thumbs.value = { ...thumbs.value, [key]: blobUrl(t.bytes, t.mime) };
    } catch {
      thumbs.value = { ...thumbs.value, [key]: null };
    }
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      // A batch that ends joins the list.
      useApi().on('segment.job', (j) => {
        if (j.state !== 'running') void load();
      });
    }
    try {
      results.value = await useApi().call('segment.recent', {});
      error.value = null;
      await Promise.all(results.value.flatMap((r) => r.sampleMasks.map((m) => loadThumb(r.job.id, m))));
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Imports the batch into the open project; its report stays with the batch. */
  async function bringIntoProject(jobId: string): Promise<void> {
    const project = useProjectStore();
    bringing.value = jobId;
    const { [jobId]: _dropped, ...others } = bringErrors.value;
    bringErrors.value = others;
    try {
      const dir = project.summary?.dir;
      const report = await useApi().call('segment.toProject', dir ? { jobId, project: dir } : { jobId });
      reports.value = { ...reports.value, [jobId]: report };
    } catch (e) {
      bringErrors.value = { ...bringErrors.value, [jobId]: errorMessage(e) };
    } finally {
      bringing.value = null;
    }
  }

  return { results, thumbs, error, bringing, reports, bringErrors, thumbKey, load, bringIntoProject };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useBatchResultsStore, import.meta.hot));
