// A new run: its config checked against the model registry, the machine's budget and its data,
// then its folder. A bad model name, input size, an oversized model or a data source without
// training images fails before any folder exists.
// `runs.start` (RunManager) and `facet train` both start runs here.
import type { RunConfig } from '../../contract/training';
import { openDataSource } from '../../dataset/loader';
import { checkModel } from '../models/registry';
import { checkTrainingBudget } from './config-limits';
import { RunDataError } from './run-errors';
import { RunFolder } from './run-folder';

export async function createRun(projectDir: string, config: RunConfig): Promise<RunFolder> {
  checkModel(config.model, config.inputSize, config.modelOptions);
  checkTrainingBudget(config);
  const splits = await openDataSource(config.data);
  if (splits.train.length === 0) throw new RunDataError(`no labelled training images in ${splits.describe}`);
  return RunFolder.create(projectDir, config);
}
