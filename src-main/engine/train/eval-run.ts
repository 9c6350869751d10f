// Evaluation of a saved model (a model folder, or a run → its best checkpoint) on a split of a
// data source: what `facet eval`, `eval.run` and a finished run's eval.json all use.
import { CLASS_NAMES } from '../../contract/classes';
import type { DataSource, EvalReport } from '../../contract/training';
import { BatchLoader, openDataSource, withHeldOut } from '../../dataset/loader';
import { DomainError } from '../../contract/domain-error';
import { loadModelDir } from '../infer/model-dir';
import { locateModel } from '../infer/model-folder';
import { RunFolder } from './run-folder';
import { trainingOverlap } from './manifest';
import { evaluate } from './evaluate';
import { evaluateFullResolution } from './evaluate-full';
import { useFlip } from '../infer/tta';

export type EvalSplit = 'train' | 'val' | 'test';

export interface EvalOptions {
  model: string;
  checkpoint?: 'best' | 'last';
  /** Defaults to the run's own data source when `model` is a run. */
  data?: DataSource;
  split: EvalSplit | 'unassigned';
  batchSize?: number;
  /** Test-time flip on or off; default: the model folder's own `tta`. */
  flip?: boolean | undefined;
  /** Score at each photo's own resolution (probabilities resized bilinearly) instead of the model's input size. */
  fullResolution?: boolean | undefined;
  backend: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function evaluateSaved(options: EvalOptions): Promise<EvalReport> {
  const ref = locateModel({ model: options.model, checkpoint: options.checkpoint ?? 'best' });
  const runConfig = ref.runDir ? await new RunFolder(ref.runDir).readConfig() : null;
  const data = options.data ?? runConfig?.data;
  if (!data) throw new DomainError({ code: 'invalid_input', field: 'data', message: `${options.model}: a model folder needs a data source (--project or --data with --preset)` });
  const loaded = await loadModelDir(ref.dir);
  try {
    const started = performance.now();
    // The run's own data (or the same folder named again) includes the validation images it held out (autoVal).
    const splits = runConfig && data.dir === runConfig.data.dir ? withHeldOut(await openDataSource(data), runConfig.heldOutVal) : await openDataSource(data);
    const split = options.split === 'unassigned' ? [] : splits[options.split];
    if (split.length === 0) throw new DomainError({ code: 'invalid_input', field: 'split', message: `no labelled images in the ${options.split} split of ${splits.describe}` });
    const size = loaded.meta.inputSize;
    const loader = new BatchLoader(split, { size, batchSize: options.batchSize ?? 8, seed: 0, augment: null });
    const flip = useFlip(options.flip, loaded.meta.tta);
    const evalOptions = { classNames: CLASS_NAMES, onProgress: options.onProgress, signal: options.signal, flip };
    const result = options.fullResolution ? await evaluateFullResolution(loaded.model, loader, evalOptions) : await evaluate(loaded.model, loader, evalOptions);
    const lineage = loaded.meta.lineage ?? null;
    return {
      model: ref.dir,
      lineage,
      overlap: await trainingOverlap(split, loaded.dir, lineage),
      split: options.split,
      images: result.images,
      inputSize: size,
      flip,
      fullResolution: options.fullResolution ?? false,
      inferenceSeconds: result.inferenceSeconds,
      metrics: result.metrics,
      perImage: result.perImage,
      seconds: (performance.now() - started) / 1000,
      backend: options.backend,
    };
  } finally {
    loaded.model.dispose();
  }
}
