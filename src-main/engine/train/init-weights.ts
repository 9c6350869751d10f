// The weights a run from `init` starts with: the init model folder as recorded in the run's
// lineage, checked to be the same weights (by hash) as when the run was created.
import { join } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import type { ModelLineage } from '../../contract/training';
import { loadModelDir, WEIGHTS_BIN } from '../infer/model-dir';
import type { tf } from '../tf';
import { sha256File } from './init-model';

export async function loadInitModel(lineage: ModelLineage): Promise<tf.LayersModel> {
  const file = join(lineage.path, WEIGHTS_BIN);
  const hash = await sha256File(file).catch((error: unknown) => {
    throw new DomainError({ code: 'not_found', file, message: `${file}: the model this run starts from cannot be read (${(error as Error).message})` });
  });
  if (hash !== lineage.weightsSha256) {
    throw new DomainError({ code: 'conflict', file, message: `${file}: the model this run starts from has changed since the run was created (weights sha256 ${hash.slice(0, 12)}…, recorded ${lineage.weightsSha256.slice(0, 12)}…); start a new run` });
  }
  return (await loadModelDir(lineage.path)).model;
}
