// Exporting the project from the studio, in any format of the contract's list, for a split or a
// status, with overlays: progress, then the report (exported, without a mask, refused rows).
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import type { ImageStatus, Split } from '@contract/project';
import { EXPORT_FORMATS, type ExportFormatName, type ExportReportData } from '@contract/project-files';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';

export interface ExportForm {
  out: string;
  format: ExportFormatName;
  /** '' = every split / every status. */
  split: Split | '';
  status: ImageStatus | '';
  overlay: boolean;
  images: boolean;
}

export const useProjectExportStore = defineStore('project-export', () => {
  const form = ref<ExportForm>({ out: '', format: EXPORT_FORMATS[0].name, split: '', status: '', overlay: true, images: true });
  const running = ref(false);
  const progress = ref<{ done: number; total: number; file: string } | null>(null);
  const report = ref<ExportReportData | null>(null);
  const error = ref<string | null>(null);
  let subscribed = false;

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    useApi().on('export.progress', (p) => {
      if (running.value) progress.value = p;
    });
  }

  async function run(): Promise<boolean> {
    const f = form.value;
    if (!f.out.trim()) {
      error.value = 'choose the folder to export to first';
      return false;
    }
    subscribe();
    running.value = true;
    error.value = null;
    report.value = null;
    progress.value = null;
    try {
      report.value = await useApi().call('project.export', {
        out: f.out.trim(),
        format: f.format,
        ...(f.split ? { split: f.split } : {}),
        ...(f.status ? { status: f.status } : {}),
        overlay: f.overlay,
        images: f.images,
      });
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      running.value = false;
    }
  }

  return { form, running, progress, report, error, run };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectExportStore, import.meta.hot));
