// Importing a folder from the studio: the form (source, preset, splits), a read-only preview of
// the label mapping on one of the user's own pairs, then the import with its progress and the
// report of every file. The import button waits for a preview of exactly what will be imported.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { MethodInput } from '@contract/index';
import type { ImportReport } from '@contract/project';
import type { ImportPresetInfo, ImportPreview } from '@contract/project-files';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export type SplitChoice = 'ratios' | 'none' | 'file';

export interface ImportForm {
  source: string;
  preset: string;
  mode: 'copy' | 'link';
  split: SplitChoice;
  /** train / val / test percentages. */
  ratios: [number, number, number];
  seed: number;
  splitFile: string;
  overwriteEdits: boolean;
  overwriteReviewed: boolean;
}

/** The `project.import` input for a form (pure: tested without a host). */
export function importInput(form: ImportForm): MethodInput<'project.import'> {
  const base = { source: form.source.trim(), preset: form.preset, mode: form.mode, overwriteEdits: form.overwriteEdits, overwriteReviewed: form.overwriteEdits && form.overwriteReviewed };
  if (form.split === 'none') return { ...base, split: 'none' };
  if (form.split === 'file') return { ...base, splitFile: form.splitFile.trim() };
  return { ...base, split: { ratios: form.ratios, seed: form.seed } };
}

export const useProjectImportStore = defineStore('project-import', () => {
  const form = ref<ImportForm>({ source: '', preset: 'celebamask-hq', mode: 'copy', split: 'ratios', ratios: [80, 10, 10], seed: 0, splitFile: '', overwriteEdits: false, overwriteReviewed: false });
  const presets = ref<ImportPresetInfo[]>([]);
  const preview = ref<ImportPreview | null>(null);
  const previewing = ref(false);
  const running = ref(false);
  const progress = ref<{ done: number; total: number; file: string } | null>(null);
  const report = ref<ImportReport | null>(null);
  const error = ref<string | null>(null);
  let subscribed = false;

  /** The preview shown is of the folder and preset the form names now. */
  const previewCurrent = computed(() => preview.value !== null && preview.value.source === form.value.source.trim() && preview.value.preset === form.value.preset);
  const ratiosValid = computed(() => form.value.ratios.every((r) => Number.isFinite(r) && r >= 0) && form.value.ratios.some((r) => r > 0));
  const canImport = computed(
    () => previewCurrent.value && !running.value && (form.value.split !== 'file' || form.value.splitFile.trim() !== '') && (form.value.split !== 'ratios' || ratiosValid.value),
  );
  const selectedPreset = computed(() => presets.value.find((p) => p.name === form.value.preset) ?? null);

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    useApi().on('import.progress', (p) => {
      if (running.value) progress.value = p;
    });
  }

  async function loadPresets(): Promise<void> {
    subscribe();
    if (presets.value.length > 0) return;
    try {
      presets.value = await useApi().call('project.presets', {});
      if (!presets.value.some((p) => p.name === form.value.preset) && presets.value[0]) form.value.preset = presets.value[0].name;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function showPreview(pair = 0): Promise<void> {
    const source = form.value.source.trim();
    if (!source) {
      error.value = 'choose the folder to import first';
      return;
    }
    previewing.value = true;
    error.value = null;
    try {
      preview.value = await useApi().call('project.previewImport', { source, preset: form.value.preset, pair });
    } catch (e) {
      preview.value = null;
      error.value = errorMessage(e);
    } finally {
      previewing.value = false;
    }
  }

  async function start(): Promise<boolean> {
    if (!canImport.value) return false;
    subscribe();
    running.value = true;
    error.value = null;
    report.value = null;
    progress.value = null;
    try {
      report.value = await useApi().call('project.import', importInput(form.value));
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      running.value = false;
    }
  }

  /** Back to the form for another folder (the report of the last import is dropped). */
  function reset(): void {
    report.value = null;
    progress.value = null;
    preview.value = null;
    error.value = null;
  }

  return { form, presets, preview, previewing, running, progress, report, error, previewCurrent, canImport, ratiosValid, selectedPreset, loadPresets, showPreview, start, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectImportStore, import.meta.hot));
