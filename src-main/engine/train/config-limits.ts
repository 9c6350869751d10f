// What a run config may ask of the machine, judged before a run folder exists: the model's
// parameter count and the memory one training image needs (activations kept for the backward
// pass, float32). Only the configurable U-Net can grow without bound; the fixed architectures are
// bounded by the schema's input-size and batch limits. Estimates, not measurements: a config far
// past a limit is refused in words, instead of answering `running` and failing in the engine.
import { DomainError } from '../../contract/domain-error';
import type { RunConfig } from '../../contract/training';
import { UNET_DEFAULTS } from '../models/decoders/unet';

const GB = 2 ** 30;
/** Above this a model's weights, gradients and Adam moments alone take several GB. */
export const MAX_PARAMETERS = 200_000_000;
/** One image's activations must fit one engine's heap (the wasm engine's 4 GB, less a margin). */
export const MAX_BYTES_PER_IMAGE = 3.5 * GB;

export class TrainingBudgetError extends DomainError {
  constructor(message: string) {
    super({ code: 'invalid_input', field: 'config.modelOptions', message });
  }
}

export interface ModelEstimate {
  parameters: number;
  /** Float32 bytes of the layer outputs of one image (each kept for the backward pass). */
  activationBytesPerImage: number;
}

function unetWidths(config: Pick<RunConfig, 'modelOptions'>): number[] {
  const widths = config.modelOptions['widths'];
  return Array.isArray(widths) ? widths : UNET_DEFAULTS.widths;
}

/**
 * The U-Net of decoders/unet.ts, layer by layer: per level two 3x3 conv + BN + ReLU (6 outputs),
 * a max-pool below the first level; the decoder adds upsample and concat. Counts match the built
 * model's countParams() and its layer outputs exactly.
 */
export function estimateUnet(widths: number[], inputSize: number, numClasses = 8): ModelEstimate {
  let parameters = 0;
  let elements = inputSize * inputSize * 3;
  let channelsIn = 3;
  widths.forEach((w, i) => {
    const side = inputSize / 2 ** i;
    // conv weights + BN (4 per channel) for both convs
    parameters += 9 * channelsIn * w + 9 * w * w + 8 * w;
    elements += side * side * (6 * w + (i > 0 ? channelsIn : 0));
    channelsIn = w;
  });
  for (let i = widths.length - 2; i >= 0; i--) {
    const side = inputSize / 2 ** i;
    const w = widths[i]!;
    const below = widths[i + 1]!;
    parameters += 9 * (below + w) * w + 9 * w * w + 8 * w;
    elements += side * side * (below + (below + w) + 6 * w);
  }
  parameters += widths[0]! * numClasses + numClasses;
  elements += inputSize * inputSize * numClasses * 2;
  return { parameters, activationBytesPerImage: elements * 4 };
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} billion` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} million` : String(Math.round(n));
}

/** Throws TrainingBudgetError saying which estimate is over which limit. */
export function checkTrainingBudget(config: Pick<RunConfig, 'model' | 'modelOptions' | 'inputSize'>): void {
  if (config.model !== 'unet') return;
  const widths = unetWidths(config);
  const estimate = estimateUnet(widths, config.inputSize);
  const what = `unet widths [${widths.join(', ')}] at ${config.inputSize} px`;
  if (estimate.parameters > MAX_PARAMETERS) {
    throw new TrainingBudgetError(`config.modelOptions.widths: ${what} has about ${formatCount(estimate.parameters)} parameters, more than the limit of ${formatCount(MAX_PARAMETERS)}; use smaller widths`);
  }
  if (estimate.activationBytesPerImage > MAX_BYTES_PER_IMAGE) {
    throw new TrainingBudgetError(
      `config: ${what} needs about ${(estimate.activationBytesPerImage / GB).toFixed(1)} GB per training image, more than the limit of ${MAX_BYTES_PER_IMAGE / GB} GB; use smaller widths or a smaller input size`,
    );
  }
}
