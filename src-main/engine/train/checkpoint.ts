// A run's checkpoints: `best` is a plain model folder; `last` also carries what resuming needs —
// the optimizer's slots and the schedule, best score, time and history as of that epoch — so
// weights and training state are replaced together, atomically.
import { CLASS_NAMES, NUM_CLASSES } from '../../contract/classes';
import type { EpochRecord, RunConfig, RunSummary } from '../../contract/training';
import { RGB_MEAN, RGB_STD } from '../../dataset/batches/normalize';
import { loadModelDir, readExtra, saveModelDir, type ModelMeta } from '../infer/model-dir';
import type { tf } from '../tf';
import { restoreOptimizerState, saveOptimizerState } from './optimizer';
import type { RunFolder } from './run-folder';
import type { ScheduleState } from './schedule';

const STATE_FILE = 'train-state.json';
const OPT_FILE = 'optimizer.bin';

export interface TrainState {
  epoch: number;
  schedule: ScheduleState;
  best: RunSummary['best'];
  seconds: number;
  history: EpochRecord[];
}

export function modelMeta(config: RunConfig, runId: string, epoch: number): ModelMeta {
  return {
    format: 'facet-model/1',
    model: config.model,
    modelOptions: config.modelOptions,
    inputSize: config.inputSize,
    numClasses: NUM_CLASSES,
    classNames: [...CLASS_NAMES],
    normalization: { mean: [...RGB_MEAN], std: [...RGB_STD] },
    runId,
    epoch,
    savedAt: new Date().toISOString(),
  };
}

export async function saveBest(run: RunFolder, model: tf.LayersModel, config: RunConfig, epoch: number): Promise<void> {
  await saveModelDir(model, run.bestDir, modelMeta(config, run.id, epoch));
}

export async function saveLast(run: RunFolder, model: tf.LayersModel, optimizer: tf.Optimizer, config: RunConfig, state: TrainState): Promise<void> {
  const opt = await saveOptimizerState(optimizer);
  await saveModelDir(model, run.lastDir, modelMeta(config, run.id, state.epoch), {
    [STATE_FILE]: new TextEncoder().encode(JSON.stringify({ ...state, optimizer: opt.specs })),
    [OPT_FILE]: opt.data,
  });
}

/** The model and state of the last checkpoint (restoring the optimizer in place), or null when there is none. */
export async function loadLast(run: RunFolder, optimizer: tf.Optimizer): Promise<{ model: tf.LayersModel; state: TrainState } | null> {
  const stateBytes = await readExtra(run.lastDir, STATE_FILE).catch(() => null);
  if (!stateBytes) return null;
  const saved = JSON.parse(new TextDecoder().decode(stateBytes)) as TrainState & { optimizer: tf.io.WeightsManifestEntry[] };
  const data = (await readExtra(run.lastDir, OPT_FILE)) ?? new Uint8Array(0);
  const { model } = await loadModelDir(run.lastDir);
  await restoreOptimizerState(optimizer, { specs: saved.optimizer, data });
  const { optimizer: _specs, ...state } = saved;
  return { model, state };
}
