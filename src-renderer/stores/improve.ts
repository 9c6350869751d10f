// "Improve the model with my corrections": one button that evaluates the current model on the
// project's validation images, fine-tunes it on the training set for a time budget (the runs
// store shows the live charts), evaluates the result on the same images and compares the two
// per class; "Use as current model" then makes the run the one Predict uses.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { EvalReport, RunSummary } from '@contract/training';
import { ApiError } from '@contract/errors';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';
import { BUNDLED_MODEL } from '../lib/model-label';
import { useProjectStore } from './project';
import { useRunsStore } from './runs';

export type ImprovePhase = 'idle' | 'before' | 'training' | 'after' | 'done' | 'failed';

export interface ClassDelta {
  name: string;
  before: number | null;
  after: number | null;
  delta: number | null;
}

/** The default budget: a few minutes, so that the loop is closed while the user waits. */
export const DEFAULT_IMPROVE_MINUTES = 3;
/** How often (and how long) the after-evaluation waits for the engine to let go of the run. */
const BUSY_RETRY_MS = 500;
const BUSY_RETRIES = 120;

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const useImproveStore = defineStore('improve', () => {
  const minutes = ref(DEFAULT_IMPROVE_MINUTES);
  const phase = ref<ImprovePhase>('idle');
  /** The model that was improved (the current model when the button was pressed). */
  const baseModel = ref<string>(BUNDLED_MODEL);
  const runId = ref<string | null>(null);
  const before = ref<EvalReport | null>(null);
  const after = ref<EvalReport | null>(null);
  /** Why there is no before/after comparison (e.g. the project has no validation images). */
  const compareNote = ref<string | null>(null);
  const error = ref<string | null>(null);
  const adopted = ref(false);
  let subscribed = false;

  const running = computed(() => phase.value === 'before' || phase.value === 'training' || phase.value === 'after');

  /** Per class F1 before and after (face parts and background), and the face-part mean. */
  const deltas = computed<ClassDelta[]>(() => {
    const b = before.value?.metrics;
    const a = after.value?.metrics;
    if (!b || !a) return [];
    const score = (present: boolean | undefined, f1: number | undefined): number | null => (present && f1 !== undefined ? f1 : null);
    const rows = b.perClass.map((c, i) => {
      const x = score(c.present, c.f1);
      const y = score(a.perClass[i]?.present, a.perClass[i]?.f1);
      return { name: c.name, before: x, after: y, delta: x !== null && y !== null ? y - x : null };
    });
    rows.push({ name: 'mean (face parts)', before: b.meanF1Face, after: a.meanF1Face, delta: a.meanF1Face - b.meanF1Face });
    return rows;
  });

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    useApi().on('run.status', ({ summary }) => void onStatus(summary));
  }

  async function onStatus(summary: RunSummary): Promise<void> {
    if (phase.value !== 'training' || summary.id !== runId.value) return;
    if (summary.status === 'failed') {
      phase.value = 'failed';
      error.value = summary.error ?? 'the fine-tune failed';
    } else if (summary.status === 'finished' || summary.status === 'stopped') {
      await evaluateAfter(summary.id);
    }
  }

  /** eval.run, waiting while the engine still holds the run that just ended (`busy`). */
  async function evaluate(model: string): Promise<EvalReport> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await useApi().call('eval.run', { model, split: 'val', checkpoint: 'best' });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'busy') || attempt >= BUSY_RETRIES) throw e;
        await wait(BUSY_RETRY_MS);
      }
    }
  }

  async function evaluateAfter(id: string): Promise<void> {
    phase.value = 'after';
    if (before.value) {
      try {
        after.value = await evaluate(id);
      } catch (e) {
        compareNote.value = `Evaluation after fine-tuning failed: ${errorMessage(e)}`;
      }
    }
    phase.value = 'done';
  }

  async function start(): Promise<void> {
    if (running.value) return;
    subscribe();
    const project = useProjectStore();
    const runs = useRunsStore();
    error.value = null;
    compareNote.value = null;
    before.value = null;
    after.value = null;
    runId.value = null;
    adopted.value = false;
    const budget = minutes.value;
    if (!(budget > 0)) {
      error.value = 'The time budget must be more than 0 minutes';
      return;
    }
    try {
      const summary = project.summary ?? (await useApi().call('project.summary', {}));
      baseModel.value = summary.currentModel ?? BUNDLED_MODEL;
      phase.value = 'before';
      try {
        before.value = await evaluate(baseModel.value);
      } catch (e) {
        // No validation images is no reason not to fine-tune: the run holds a share out itself.
        compareNote.value = `No before/after comparison: ${errorMessage(e)}`;
      }
      phase.value = 'training';
      const run = await runs.start({
        init: baseModel.value,
        recipe: 'finetune',
        minutes: budget,
        data: { kind: 'project', dir: summary.dir, onlyInTraining: true },
      });
      if (!run) throw new Error(runs.error ?? 'the fine-tune did not start');
      runId.value = run.id;
      // A run that ended before its id was known here (a very short budget) is caught up with.
      const now = runs.runs.find((r) => r.id === run.id) ?? run;
      if (now.status !== 'running' && now.status !== 'stopping') await onStatus(now);
    } catch (e) {
      phase.value = 'failed';
      error.value = errorMessage(e);
    }
  }

  /** Makes the fine-tuned run the project's current model. */
  async function useAsCurrent(): Promise<void> {
    if (!runId.value) return;
    const runs = useRunsStore();
    await runs.useAsModel(runId.value);
    adopted.value = runs.currentModel === runId.value;
    if (adopted.value) await useProjectStore().load();
  }

  return { minutes, phase, baseModel, runId, before, after, compareNote, error, adopted, running, deltas, start, useAsCurrent };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useImproveStore, import.meta.hot));
