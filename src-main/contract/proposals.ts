// Proposals: a model's label maps for the project's images, made in the background ("Predict
// all", `facet predict`), stored beside the masks but never as mask revisions, with what active
// learning sorts by (uncertainty; for labelled images, F1 against the mask). The editor shows a
// proposal for per-class accept; accepting saves a human revision as usual.
import { z } from 'zod';
import { event, method } from './define';
import { MAX_PATH } from './limits';
import type { MaskDispute } from './training';

export const PREDICT_ONLY = ['unlabelled', 'unreviewed', 'all'] as const;
export type PredictOnly = (typeof PREDICT_ONLY)[number];

export interface PredictAllReport {
  /** Images selected. */
  total: number;
  predicted: number;
  failed: { name: string; error: string }[];
  cancelled: boolean;
  seconds: number;
  /** The model folder used. */
  model: string;
}

export interface PredictAllJob {
  id: string;
  state: 'running' | 'finished' | 'cancelled' | 'failed';
  done: number;
  total: number | null;
  model: string;
  report: PredictAllReport | null;
  error: string | null;
}

export interface Proposal {
  imageId: number;
  width: number;
  height: number;
  /** One class index per pixel, row-major. */
  labels: Uint8Array;
  /** The model folder that proposed it. */
  model: string;
  /** Mean (1 - max probability) over the predicted face region: 0 sure, towards 1 unsure. */
  uncertainty: number;
  /** Mean face-part F1 against the mask revision `maskRevision`, null when the image had no mask. */
  f1: number | null;
  /** Where it confidently disputes that mask (engine/metrics/dispute.ts), null when unlabelled. */
  dispute: MaskDispute | null;
  maskRevision: number;
  createdAt: string;
}

const jobId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/);

export const proposalMethods = {
  /** Starts predicting the project's images in an engine worker; progress arrives as `predictAll.progress`. */
  'project.predictAll': method<PredictAllJob>()(
    z
      .object({
        /** A run id of the project, a model folder, `default` or `accurate`; default: the project's current model. */
        model: z.string().min(1).max(MAX_PATH).optional(),
        only: z.enum(PREDICT_ONLY).default('unlabelled'),
      })
      .strict(),
  ),
  /** Stops a predictAll job after the image in progress (what is done is kept). */
  'project.predictAllCancel': method<PredictAllJob>()(z.object({ id: jobId }).strict()),
  'project.predictAllStatus': method<PredictAllJob>()(z.object({ id: jobId }).strict()),
  /** An image's latest proposal, or null when it has none. */
  'proposals.get': method<Proposal | null>()(z.object({ id: z.number().int().positive() }).strict()),
};

export const proposalEvents = {
  'predictAll.progress': event<{ job: PredictAllJob; name: string | null }>(),
};
