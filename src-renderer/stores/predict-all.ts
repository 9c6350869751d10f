// "Predict all": pre-labels the project with the current model in the background (proposals the
// editor offers for per-class accept); progress from `predictAll.progress`, cancel keeps what
// is done. The gallery refreshes from the `project.changed` the host sends when the job ends.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PredictAllJob, PredictOnly } from '@contract/proposals';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export const usePredictAllStore = defineStore('predict-all', () => {
  const only = ref<PredictOnly>('unlabelled');
  const job = ref<PredictAllJob | null>(null);
  /** The image in progress, as the last event named it. */
  const current = ref<string | null>(null);
  const error = ref<string | null>(null);
  let subscribed = false;

  const running = computed(() => job.value?.state === 'running');
  const fraction = computed(() => {
    const j = job.value;
    if (!j) return 0;
    if (j.state === 'finished') return 1;
    return j.total ? Math.min(1, j.done / j.total) : 0;
  });

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    useApi().on('predictAll.progress', (p) => {
      // A job another tab started is news too: the gallery shows one job at a time.
      if (job.value && p.job.id !== job.value.id && job.value.state === 'running') return;
      job.value = p.job;
      current.value = p.name;
    });
  }

  async function start(): Promise<void> {
    if (running.value) return;
    subscribe();
    error.value = null;
    current.value = null;
    try {
      job.value = await useApi().call('project.predictAll', { only: only.value });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function cancel(): Promise<void> {
    const j = job.value;
    if (!j || j.state !== 'running') return;
    try {
      job.value = await useApi().call('project.predictAllCancel', { id: j.id });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  return { only, job, current, error, running, fraction, start, cancel };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePredictAllStore, import.meta.hot));
