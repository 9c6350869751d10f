// A new run: its config checked against the model registry, the machine's budget, the model it
// starts from (init) and its data, then its folder. A bad model name, input size, an oversized
// model, an init model it contradicts or a data source without training images fails before any
// folder exists. A data source without validation images gets a held-out share (autoVal),
// recorded by name in the config.
// `runs.start` (RunManager) and `facet train` both start runs here.
import type { RunConfig } from '../../contract/training';
import { checkModel } from '../models/registry';
import { checkTrainingBudget } from './config-limits';
import { architectureFromInit, describeInit } from './init-model';
import { RunDataError } from './run-errors';
import { RunFolder } from './run-folder';
import { heldOutFor, openReplay, openRunData } from './run-data';
import { MANIFEST_FILE, manifestOf, writeManifest } from './manifest';
import { rm } from 'node:fs/promises';

/** The config as the run will store it: lineage from `init`, held-out validation names. */
export async function prepareRunConfig(projectDir: string, config: RunConfig): Promise<RunConfig> {
  let out = config;
  if (config.init !== null) {
    // Relative init paths were made absolute by the caller (CLI, handler); bare names are runs of the project.
    const init = await describeInit(config.init, projectDir);
    architectureFromInit(init, { model: config.model, inputSize: config.inputSize, modelOptions: config.modelOptions });
    out = { ...out, lineage: init.lineage };
  } else if (config.lineage !== null) {
    out = { ...out, lineage: null };
  }
  checkModel(out.model, out.inputSize, out.modelOptions);
  checkTrainingBudget(out);
  const splits = await openRunData({ data: out.data, heldOutVal: null });
  if (splits.train.length === 0) throw new RunDataError(`no labelled training images in ${splits.describe}`);
  if (out.replay && (await openReplay(out)).length === 0) throw new RunDataError(`no labelled training images in the replay set ${out.replay.data.dir}`);
  return { ...out, heldOutVal: heldOutFor(out, splits) };
}

export async function createRun(projectDir: string, config: RunConfig): Promise<RunFolder> {
  const prepared = await prepareRunConfig(projectDir, config);
  const run = await RunFolder.create(projectDir, prepared);
  try {
    // What the run trains on, by content hash: evaluations warn when they score these images.
    const splits = await openRunData(prepared);
    const replay = await openReplay(prepared);
    await writeManifest(run.path(MANIFEST_FILE), await manifestOf([...splits.train, ...replay], splits.describe));
  } catch (error) {
    await rm(run.dir, { recursive: true, force: true });
    throw error;
  }
  return run;
}
