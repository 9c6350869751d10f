// The open project: its summary (counts per status and split) kept fresh from `project.changed`.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import type { ProjectSummary } from '@contract/project';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export const useProjectStore = defineStore('project', () => {
  const summary = ref<ProjectSummary | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** Bumped on every `project.changed`, so lists know to refetch what they show. */
  const changes = ref(0);
  const changedIds = ref<number[] | null>(null);
  let subscribed = false;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  async function load(): Promise<void> {
    const api = useApi();
    if (!subscribed) {
      subscribed = true;
      api.on('project.changed', (payload) => {
        changedIds.value = payload.imageIds;
        changes.value++;
        // Imports emit many changes: one summary refresh per burst is enough.
        if (refreshTimer) clearTimeout(refreshTimer);
        refreshTimer = setTimeout(() => void load(), 250);
      });
    }
    loading.value = true;
    try {
      summary.value = await api.call('project.summary', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  return { summary, error, loading, changes, changedIds, load };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectStore, import.meta.hot));
