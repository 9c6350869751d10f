// The models panel: the bundled model and every run of the project, which one Predict uses,
// switching (also back to the bundled model), and a run's model card (its run detail).
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import type { BundledModelInfo } from '@contract/models';
import type { RunDetail } from '@contract/training';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';
import { BUNDLED_MODEL } from '../lib/model-label';
import { useProjectStore } from './project';
import { useRunsStore } from './runs';

export const useModelsStore = defineStore('models', () => {
  const cardId = ref<string | null>(null);
  const card = ref<RunDetail | null>(null);
  const error = ref<string | null>(null);
  /** The bundled models (fast default, accurate) as the host describes them. */
  const bundled = ref<BundledModelInfo[]>([]);

  async function loadBundled(): Promise<void> {
    try {
      bundled.value = await useApi().call('models.bundled', {});
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function openCard(id: string | null): Promise<void> {
    cardId.value = id;
    card.value = null;
    error.value = null;
    if (!id) return;
    try {
      card.value = await useApi().call('runs.get', { id });
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Predict with this run's best checkpoint, or a bundled model (`default`, `accurate`). */
  async function use(model: string): Promise<void> {
    const runs = useRunsStore();
    await runs.useAsModel(model);
    await useProjectStore().load();
  }

  const useBundled = (): Promise<void> => use(BUNDLED_MODEL);

  /** Reloads the runs list after a rename or delete; a selection of the old id is dropped. */
  async function refresh(oldId: string, newId: string | null): Promise<void> {
    const runs = useRunsStore();
    if (runs.selectedId === oldId) await runs.select(newId);
    if (runs.compareId === oldId) await runs.setCompare(null);
    if (cardId.value === oldId) await openCard(newId);
    await runs.load();
    await useProjectStore().load();
  }

  async function rename(id: string, name: string): Promise<boolean> {
    error.value = null;
    try {
      const summary = await useApi().call('runs.rename', { id, name: name.trim() });
      await refresh(id, summary.id);
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    }
  }

  async function remove(id: string): Promise<boolean> {
    error.value = null;
    try {
      await useApi().call('runs.delete', { id });
      await refresh(id, null);
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    }
  }

  return { cardId, card, error, bundled, loadBundled, openCard, use, useBundled, rename, remove };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useModelsStore, import.meta.hot));
