// The models that ship with the app: a fast one (the default, for folders at 20+ photos/s) and an
// accurate one (larger input, test-time flip). Their names are words wherever a model is named
// (`--model accurate`, a project's current model), so they are reserved: no run may take them.
import { z } from 'zod';
import { method } from './define';

export const BUNDLED_MODEL_NAMES = ['default', 'accurate'] as const;
export type BundledModelName = (typeof BUNDLED_MODEL_NAMES)[number];

export function isBundledModelName(model: unknown): model is BundledModelName {
  return typeof model === 'string' && (BUNDLED_MODEL_NAMES as readonly string[]).includes(model);
}

/** One bundled model as the studio shows it (read from its folder; `installed` false when it is missing). */
export interface BundledModelInfo {
  name: BundledModelName;
  installed: boolean;
  /** Registry architecture, input size and test-time augmentation, from facet-model.json. */
  architecture: string | null;
  inputSize: number | null;
  tta: 'none' | 'flip' | null;
  /** Val mean F1 over the 7 face parts, from the eval-val.json shipped beside it. */
  valMeanF1Face: number | null;
  /** Weights file size in bytes. */
  bytes: number | null;
}

export const modelMethods = {
  /** The bundled models (fast default and accurate), whether installed, and what their cards say. */
  'models.bundled': method<BundledModelInfo[]>()(z.object({}).strict()),
};
