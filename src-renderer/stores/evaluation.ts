// Evaluation room: run a model on a split, keep the report, order the images by worst F1, by
// model uncertainty (the active-learning queue) or by how much of the face the model confidently
// disputes (likely mask errors: a part left unlabelled), and pick one to look at.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Split } from '@contract/project';
import type { EvalReport, PerImageResult } from '@contract/training';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export type ImageOrder = 'worst-f1' | 'uncertainty' | 'disputed';

/** The disputed share of an image's face; reports made before disputes existed read as 0. */
export const disputedShare = (r: PerImageResult): number => r.dispute?.share ?? 0;

export const useEvaluationStore = defineStore('evaluation', () => {
  const model = ref('');
  const checkpoint = ref<'best' | 'last'>('best');
  const split = ref<Split>('val');
  const report = ref<EvalReport | null>(null);
  const progress = ref<{ done: number; total: number } | null>(null);
  const running = ref(false);
  const error = ref<string | null>(null);
  const order = ref<ImageOrder>('worst-f1');
  const selected = ref<PerImageResult | null>(null);
  let subscribed = false;

  const images = computed(() => {
    const list = report.value?.perImage.slice() ?? [];
    if (order.value === 'worst-f1') return list.sort((a, b) => a.f1Face - b.f1Face);
    if (order.value === 'disputed') return list.sort((a, b) => disputedShare(b) - disputedShare(a));
    return list.sort((a, b) => b.meanEntropy - a.meanEntropy);
  });

  async function run(): Promise<void> {
    const api = useApi();
    if (!subscribed) {
      subscribed = true;
      api.on('eval.progress', (p) => {
        if (running.value) progress.value = p;
      });
    }
    running.value = true;
    error.value = null;
    progress.value = null;
    try {
      report.value = await api.call('eval.run', { model: model.value.trim(), checkpoint: checkpoint.value, split: split.value });
      selected.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      running.value = false;
    }
  }

  return { model, checkpoint, split, report, progress, running, error, order, selected, images, run };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEvaluationStore, import.meta.hot));
