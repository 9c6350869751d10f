// The training room's "New run" form as the user left it: kept here, not in the component, so
// that leaving the room and coming back finds the same draft (a room's components are
// remounted on each visit). Filled from the host's defaults once, and on Reset.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, reactive, watch } from 'vue';
import type { ImageStatus, Split } from '@contract/project';
import type { RunConfig, RunStartConfigInput } from '@contract/training';
import { useRunsStore } from './runs';

/** "Start from": random weights, the bundled model, or a run of the project (its id). */
export const START_RANDOM = 'random';
export const START_BUNDLED = 'default';

export type RunFormDraft = Omit<RunConfig, 'data' | 'modelOptions' | 'init' | 'lineage' | 'minutes'> & {
  preset: string;
  /** `random`, `default` (the bundled model) or a run id. */
  startFrom: string;
  /** Time budget in minutes; 0 = train the planned epochs. */
  minutes: number;
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
      startFrom: START_RANDOM,
      minutes: 0,
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

  /**
   * Changing where the run starts: from a model, the fine-tuning recipe is preselected (the
   * model's own architecture and size are used, so those fields no longer apply); back to
   * random weights, the original recipe.
   */
  function setStartFrom(value: string): void {
    const fromModel = value !== START_RANDOM;
    const wasFromModel = form.startFrom !== undefined && form.startFrom !== START_RANDOM;
    form.startFrom = value;
    if (fromModel === wasFromModel) return;
    const preset = fromModel ? 'finetune' : 'original';
    if (runs.options?.recipes[preset]) {
      form.preset = preset;
      applyPreset(preset);
    }
  }

  /**
   * The draft as `runs.start`'s config. From a model, its architecture and input size come with
   * its weights (the host reads them), so the form's are not sent; with a time budget the epochs
   * are only a cap the host sets.
   */
  function startConfig(projectDir: string | null | undefined): RunStartConfigInput {
    const f = form as RunFormDraft;
    const widths = f.widths
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    const budget = f.minutes > 0 ? f.minutes : null;
    const config: RunStartConfigInput = {
      ...(f.startFrom !== START_RANDOM
        ? { init: f.startFrom }
        : {
            model: f.model,
            modelOptions: f.model === 'unet' && widths.length > 0 && widths.every((w) => Number.isInteger(w) && w > 0) ? { widths } : {},
            inputSize: f.inputSize,
          }),
      ...(budget ? { minutes: budget } : { epochs: f.epochs }),
      warmup: f.warmup,
      freezeBatchNorm: f.freezeBatchNorm,
      adaptBatchNorm: f.startFrom !== START_RANDOM && f.adaptBatchNorm,
      selectBy: f.selectBy,
      batchSize: f.batchSize,
      stepsPerEpoch: f.stepsPerEpoch,
      optimizer: f.optimizer,
      lr: f.lr,
      momentum: f.momentum,
      schedule: f.schedule,
      plateauPatience: f.plateauPatience,
      plateauFactor: f.plateauFactor,
      minLr: f.minLr,
      earlyStopPatience: f.earlyStopPatience,
      loss: f.loss,
      augment: f.augment,
      seed: f.seed,
    };
    if (projectDir && f.trainSplits.length > 0 && f.statuses.length > 0) {
      config.data = { kind: 'project', dir: projectDir, trainSplits: f.trainSplits, valSplit: f.valSplit, statuses: f.statuses, onlyInTraining: f.onlyInTraining };
    }
    return config;
  }

  // The defaults fill an empty form only: options loaded again (each visit) keep the draft.
  watch(
    () => runs.options,
    () => {
      if (form.model === undefined) reset();
    },
    { immediate: true },
  );

  return { form, ready, reset, applyPreset, setStartFrom, startConfig };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRunFormStore, import.meta.hot));
