// The open project: its summary (counts per status and split) kept fresh from `project.changed`,
// and switching projects (open, create, the host's recent list).
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ProjectSummary } from '@contract/project';
import type { RecentProjects } from '@contract/project-files';
import { ApiError } from '@contract/errors';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

/** A new project's folder: the chosen parent folder and the name typed for it. */
export function joinFolder(parent: string, name: string): string {
  const sep = parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  return `${parent.replace(/[\\/]+$/, '')}${sep}${name.trim()}`;
}

/** Where this tab keeps the project it switched to: each connection starts on the host's project, and a reload should not lose the choice. */
const TAB_PROJECT_KEY = 'facet.project';

function tabStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export const useProjectStore = defineStore('project', () => {
  const summary = ref<ProjectSummary | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** Loaded once: until then the studio does not know whether to show the start screen. */
  const loaded = ref(false);
  /** No project is open in this session (the host has none, or it could not be opened). */
  const none = ref(false);
  /** Bumped on every `project.changed`, so lists know to refetch what they show. */
  const changes = ref(0);
  const changedIds = ref<number[] | null>(null);
  const recent = ref<RecentProjects>({ projects: [], problem: null });
  const switching = ref(false);
  const switchError = ref<string | null>(null);
  let subscribed = false;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  /** Nothing to show in the gallery yet: the studio offers create, open and import instead. */
  const isEmpty = computed(() => loaded.value && (none.value || (summary.value?.imageCount ?? 0) === 0));

  async function load(): Promise<void> {
    const api = useApi();
    const restoring = !loaded.value && !subscribed ? tabStorage()?.getItem(TAB_PROJECT_KEY) : null;
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
      none.value = false;
      error.value = null;
    } catch (e) {
      // "No project open" is the start screen's case, not an error to show.
      none.value = e instanceof ApiError && e.code === 'not_found';
      if (none.value) summary.value = null;
      error.value = none.value ? null : errorMessage(e);
    } finally {
      loading.value = false;
    }
    if (restoring && restoring !== summary.value?.dir && !(await open(restoring))) {
      // The project of this tab is gone or unreadable: stay on the host's, say nothing more.
      tabStorage()?.removeItem(TAB_PROJECT_KEY);
      switchError.value = null;
    }
    loaded.value = true;
  }

  async function loadRecent(): Promise<void> {
    try {
      recent.value = await useApi().call('project.recent', {});
    } catch (e) {
      recent.value = { projects: [], problem: errorMessage(e) };
    }
  }

  async function switchTo(call: () => Promise<ProjectSummary>): Promise<boolean> {
    switching.value = true;
    switchError.value = null;
    try {
      summary.value = await call();
      tabStorage()?.setItem(TAB_PROJECT_KEY, summary.value.dir);
      none.value = false;
      error.value = null;
      loaded.value = true;
      await loadRecent();
      return true;
    } catch (e) {
      switchError.value = errorMessage(e);
      return false;
    } finally {
      switching.value = false;
    }
  }

  /** Opens an existing project folder. */
  function open(dir: string): Promise<boolean> {
    return switchTo(() => useApi().call('project.open', { dir, create: false }));
  }

  /** Makes a project in a new or empty folder and opens it. */
  function create(dir: string, name?: string): Promise<boolean> {
    const trimmed = name?.trim();
    return switchTo(() => useApi().call('project.create', { dir, ...(trimmed ? { name: trimmed } : {}) }));
  }

  async function forget(dir: string): Promise<void> {
    try {
      recent.value = await useApi().call('project.forget', { dir });
    } catch (e) {
      switchError.value = errorMessage(e);
    }
  }

  return { summary, error, loading, loaded, none, isEmpty, changes, changedIds, recent, switching, switchError, load, loadRecent, open, create, forget };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectStore, import.meta.hot));
