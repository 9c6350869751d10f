// A run's data as the run sees it: its data source, with the validation images it held out at
// creation (autoVal) moved from train to val, and its replay set when it has one.
import type { RunConfig } from '../../contract/training';
import { chooseHeldOut, openDataSource, withHeldOut, type DataItem, type DataSplits } from '../../dataset/loader';

export async function openRunData(config: Pick<RunConfig, 'data' | 'heldOutVal'>): Promise<DataSplits> {
  return withHeldOut(await openDataSource(config.data), config.heldOutVal);
}

/** The images a new run holds out for validation: none when its data has validation images. */
export function heldOutFor(config: Pick<RunConfig, 'autoVal'>, splits: DataSplits): string[] | null {
  if (splits.val.length > 0) return null;
  const names = chooseHeldOut(splits.train.map((i) => i.name), config.autoVal);
  return names.length > 0 ? names : null;
}

/** The replay set's training images (its validation images stay out: they judge nothing here). */
export async function openReplay(config: Pick<RunConfig, 'replay'>): Promise<DataItem[]> {
  if (!config.replay) return [];
  const splits = await openDataSource(config.replay.data);
  return splits.train.map((i) => ({ ...i, name: `replay:${i.name}` }));
}
