// Training runs: the "start a run" form's options, the runs list, the selected run's history
// with live per-batch and per-epoch events, and a second run to compare with.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RunBatchEvent, RunDetail, RunStartConfigInput, RunSummary, TrainingOptions } from '@contract/training';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

/** Per-batch points kept for the live chart (a long run has many thousands). */
const MAX_BATCH_POINTS = 5000;

export const useRunsStore = defineStore('runs', () => {
  const options = ref<TrainingOptions | null>(null);
  const runs = ref<RunSummary[]>([]);
  const selectedId = ref<string | null>(null);
  const detail = ref<RunDetail | null>(null);
  const batches = ref<RunBatchEvent[]>([]);
  const lastBatch = ref<RunBatchEvent | null>(null);
  const etaSeconds = ref<number | null>(null);
  const compareId = ref<string | null>(null);
  const compareDetail = ref<RunDetail | null>(null);
  const error = ref<string | null>(null);
  const busy = ref(false);
  /** The project's current model (run id or model folder) that the editor's Predict uses. */
  const currentModel = ref<string | null>(null);
  let subscribed = false;
  /** The error shown came from loading the list (cleared by a load that works), not from an action. */
  let errorFromLoad = false;

  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value) ?? null);
  /** Fraction of the planned batches done, from the last batch event or the epochs done. */
  const fraction = computed(() => {
    const run = selected.value;
    if (!run || run.epochsPlanned <= 0) return 0;
    const b = lastBatch.value;
    if (b && b.runId === run.id && run.status === 'running') return Math.min(1, (b.epoch - 1 + b.batch / b.batches) / run.epochsPlanned);
    return Math.min(1, run.epochsDone / run.epochsPlanned);
  });

  function upsert(summary: RunSummary): void {
    const i = runs.value.findIndex((r) => r.id === summary.id);
    if (i >= 0) runs.value.splice(i, 1, summary);
    else runs.value = [summary, ...runs.value];
    if (detail.value?.summary.id === summary.id) detail.value = { ...detail.value, summary };
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    const api = useApi();
    api.on('run.batch', (b) => {
      if (b.runId !== selectedId.value) return;
      lastBatch.value = b;
      etaSeconds.value = b.etaSeconds;
      const next = batches.value.length >= MAX_BATCH_POINTS ? batches.value.slice(-MAX_BATCH_POINTS / 2) : batches.value.slice();
      next.push(b);
      batches.value = next;
    });
    api.on('run.epoch', (e) => {
      if (detail.value?.summary.id === e.runId) {
        const history = detail.value.history.filter((h) => h.epoch !== e.record.epoch);
        detail.value = { ...detail.value, history: [...history, e.record].sort((a, b) => a.epoch - b.epoch) };
      }
      if (e.runId === selectedId.value) etaSeconds.value = e.etaSeconds;
    });
    api.on('run.status', ({ summary }) => upsert(summary));
  }

  async function load(): Promise<void> {
    subscribe();
    const api = useApi();
    try {
      const [opts, list, summary] = await Promise.all([
        options.value ? Promise.resolve(options.value) : api.call('training.options', {}),
        api.call('runs.list', {}),
        api.call('project.summary', {}),
      ]);
      options.value = opts;
      runs.value = list;
      currentModel.value = summary.currentModel;
      // A failed start or resume stays on screen when the room is opened again (which loads).
      if (errorFromLoad) error.value = null;
      errorFromLoad = false;
      if (!selectedId.value && list[0]) await select(list[0].id);
    } catch (e) {
      error.value = errorMessage(e);
      errorFromLoad = true;
    }
  }

  async function select(id: string | null): Promise<void> {
    selectedId.value = id;
    batches.value = [];
    lastBatch.value = null;
    etaSeconds.value = null;
    detail.value = null;
    if (!id) return;
    try {
      detail.value = await useApi().call('runs.get', { id });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function setCompare(id: string | null): Promise<void> {
    compareId.value = id;
    compareDetail.value = null;
    if (!id) return;
    try {
      compareDetail.value = await useApi().call('runs.get', { id });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function act<T>(work: () => Promise<T>): Promise<T | null> {
    busy.value = true;
    error.value = null;
    errorFromLoad = false;
    try {
      return await work();
    } catch (e) {
      error.value = errorMessage(e);
      return null;
    } finally {
      busy.value = false;
    }
  }

  async function start(config: RunStartConfigInput): Promise<RunSummary | null> {
    subscribe();
    const summary = await act(() => useApi().call('runs.start', { config }));
    if (summary) {
      upsert(summary);
      await select(summary.id);
    }
    return summary;
  }

  async function stop(id: string): Promise<void> {
    const summary = await act(() => useApi().call('runs.stop', { id }));
    if (summary) upsert(summary);
  }

  async function resume(id: string, epochs?: number): Promise<void> {
    const summary = await act(() => useApi().call('runs.resume', epochs ? { id, epochs } : { id }));
    if (summary) {
      upsert(summary);
      if (selectedId.value !== id) await select(id);
    }
  }

  /** Makes a run's best checkpoint (or, with `default`, the bundled model) the project's current model. */
  async function useAsModel(id: string): Promise<void> {
    const summary = await act(() => useApi().call('project.setModel', { model: id }));
    if (summary) currentModel.value = summary.currentModel;
  }

  return { options, runs, selectedId, selected, detail, batches, lastBatch, etaSeconds, fraction, compareId, compareDetail, error, busy, currentModel, load, select, setCompare, start, stop, resume, useAsModel };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRunsStore, import.meta.hot));
