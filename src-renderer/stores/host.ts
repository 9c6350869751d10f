// The host the renderer talks to: its identity and whether the connection is alive.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo, LogEntry } from '@contract/app';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export const useHostStore = defineStore('host', () => {
  const info = ref<AppInfo | null>(null);
  const connected = ref(true);
  const error = ref<string | null>(null);
  const logs = ref<LogEntry[]>([]);

  async function load(): Promise<void> {
    const api = useApi();
    try {
      info.value = await api.call('app.info', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
    api.on('log', (entry) => {
      logs.value = [...logs.value.slice(-199), entry];
    });
    void api.closed.then(() => {
      connected.value = false;
    });
  }

  return { info, connected, error, logs, load };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useHostStore, import.meta.hot));
