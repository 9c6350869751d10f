// Starting a run from a trained model (`init`): which folder the name means (the one resolver,
// infer/model-folder.ts), what that model is (architecture, input size, normalisation from its
// facet-model.json) and where it came from (its lineage, with a content hash of its weights).
// A run's model or model options that contradict the init model are refused in words before
// any run folder exists; the ones left out are taken from it. The input size may differ.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import type { ModelLineage } from '../../contract/training';
import { RGB_MEAN, RGB_STD } from '../../dataset/batches/normalize';
import { readModelMeta, WEIGHTS_BIN, type ModelMeta } from '../infer/model-dir';
import { resolveModelFolder } from '../infer/model-folder';

export interface InitModel {
  /** The model folder whose weights the run starts from. */
  dir: string;
  /** The run it is a checkpoint of, when `init` named a run. */
  runDir: string | null;
  meta: ModelMeta;
  lineage: ModelLineage;
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/**
 * The model an `init` setting names: `default`, a run folder (its best checkpoint) or a model
 * folder; with `projectDir`, a bare name is a run of that project. Relative paths are taken
 * from `base` (default: the working folder).
 */
export async function describeInit(init: string, projectDir?: string | null, base?: string): Promise<InitModel> {
  const { dir, runDir } = resolveModelFolder({ model: init, ...(projectDir ? { projectDir } : {}), ...(base ? { base } : {}) });
  const meta = await readModelMeta(dir);
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) < 1e-6);
  if (!same(meta.normalization.mean, RGB_MEAN) || !same(meta.normalization.std, RGB_STD)) {
    throw new DomainError({ code: 'invalid_input', field: 'config.init', file: join(dir, 'facet-model.json'), message: `${init}: the model normalises pixels with mean ${meta.normalization.mean.join(',')} / std ${meta.normalization.std.join(',')}, but training feeds ImageNet mean/std; it cannot be fine-tuned here` });
  }
  const lineage: ModelLineage = {
    path: dir,
    name: init,
    model: meta.model,
    inputSize: meta.inputSize,
    weightsSha256: await sha256File(join(dir, WEIGHTS_BIN)),
    runId: meta.runId,
    parent: meta.lineage ?? null,
  };
  return { dir, runDir, meta, lineage };
}

export interface ArchitectureRequest {
  model?: string | undefined;
  inputSize?: number | undefined;
  modelOptions?: Record<string, unknown> | undefined;
}

/**
 * Architecture fields for a run from `init`: those given must agree with the model (else an
 * `invalid_input` naming the field and both values), those left out come from it.
 */
export function architectureFromInit(init: InitModel, asked: ArchitectureRequest): { model: string; inputSize: number; modelOptions: ModelMeta['modelOptions'] } {
  const { meta } = init;
  const refuse = (field: string, given: string, has: string): never => {
    throw new DomainError({ code: 'invalid_input', field: `config.${field}`, message: `${field} ${given} contradicts the model to start from (${init.lineage.name}: ${has}); leave it out to use the model's` });
  };
  if (asked.model !== undefined && asked.model !== meta.model) refuse('model', asked.model, `model ${meta.model}`);
  const options = asked.modelOptions ?? {};
  if (Object.keys(options).length > 0 && JSON.stringify(options) !== JSON.stringify(meta.modelOptions)) refuse('modelOptions', JSON.stringify(options), `options ${JSON.stringify(meta.modelOptions)}`);
  // Another input size is allowed: the models are fully convolutional, so the run rebuilds the
  // architecture at its size with the same weights (fine-tuning at a larger size sharpens thin
  // parts). The registry checks the size itself (checkModel).
  return { model: meta.model, inputSize: asked.inputSize ?? meta.inputSize, modelOptions: meta.modelOptions };
}
