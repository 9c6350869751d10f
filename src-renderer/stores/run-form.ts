// The training room's "New run" form as the user left it: kept here, not in the component, so
// that leaving the room and coming back finds the same draft (a room's components are
// remounted on each visit). Filled from the host's defaults once, and on Reset.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, reactive, watch } from 'vue';
import type { ImageStatus, Split } from '@contract/project';
import type { RunConfig } from '@contract/training';
import { useRunsStore } from './runs';

export type RunFormDraft = Omit<RunConfig, 'data' | 'modelOptions'> & {
  preset: string;
  widths: string;
  trainSplits: Split[];
  valSplit: Split;
  statuses: ImageStatus[];
  onlyInTraining: boolean;
};

/** A plain deep copy (store state is a reactive proxy, which structuredClone refuses). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export const useRunFormStore = defineStore('run-form', () => {
  const runs = useRunsStore();
  const form = reactive<Partial<RunFormDraft>>({});
  const ready = computed(() => runs.options !== null && form.model !== undefined);

  function reset(): void {
    const o = runs.options;
    if (!o) return;
    Object.assign(form, clone(o.defaults), {
      preset: 'original',
      widths: '',
      trainSplits: ['train'],
      valSplit: 'val',
      statuses: ['done', 'reviewed'],
      onlyInTraining: false,
    });
    form.model = o.defaultModel;
  }

  function applyPreset(name: string): void {
    const preset = runs.options?.recipes[name];
    if (preset) Object.assign(form, clone(preset));
  }

  // The defaults fill an empty form only: options loaded again (each visit) keep the draft.
  watch(
    () => runs.options,
    () => {
      if (form.model === undefined) reset();
    },
    { immediate: true },
  );

  return { form, ready, reset, applyPreset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRunFormStore, import.meta.hot));
