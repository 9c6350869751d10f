// The model registry: every model the studio can train, built by name as encoder + decoder
// (segmentation_models' create_model). Input: RGB floats in [0, 1], [N, S, S, 3]; output: class
// probabilities (softmax), [N, S, S, numClasses].
import { DomainError } from '../../contract/domain-error';
import { tf } from '../tf';
import { deeplabv3plusDecoder, DEEPLAB_DEFAULTS } from './decoders/deeplabv3plus';
import { pspnetDecoder } from './decoders/pspnet';
import { unet, UNET_DEFAULTS } from './decoders/unet';
import { getEncoder } from './encoders/index';
import type { SymbolicTensor } from './layers/blocks';
import { withSeededRandom } from './seeded';

export type ModelOptionValue = number | number[] | string | boolean;

export interface BuildOptions {
  inputSize: number;
  numClasses: number;
  /** Seed of the initial weights (same seed, same weights). */
  seed?: number;
  /** Model-specific options, e.g. `{ widths: [8, 16, 32] }` for unet. */
  options?: Record<string, ModelOptionValue>;
}

interface ModelDef {
  description: string;
  /** The input side must be a multiple of this. */
  sizeMultiple(options: Record<string, ModelOptionValue>): number;
  head(input: SymbolicTensor, numClasses: number, options: Record<string, ModelOptionValue>): SymbolicTensor;
}

function numberList(options: Record<string, ModelOptionValue>, key: string, fallback: number[]): number[] {
  const v = options[key];
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new DomainError({ code: 'invalid_input', field: `config.modelOptions.${key}`, message: `model option "${key}" must be a list of positive whole numbers, got ${JSON.stringify(v)}` });
  }
  return v;
}

function deeplab(encoder: string, description: string): ModelDef {
  return {
    description,
    sizeMultiple: () => 16,
    head: (input, numClasses, options) =>
      deeplabv3plusDecoder(getEncoder(encoder).build(input), numClasses, {
        filters: typeof options['filters'] === 'number' ? options['filters'] : DEEPLAB_DEFAULTS.filters,
        rates: numberList(options, 'rates', DEEPLAB_DEFAULTS.rates),
      }),
  };
}

const MODELS: Record<string, ModelDef> = {
  'deeplabv3plus-mobilenetv2': deeplab(
    'mobilenetv2',
    'DeepLabV3+ on MobileNetV2 (taps block_12_add, block_3_expand_relu); 1.70 GFLOPs at 256 — the CPU default',
  ),
  'deeplabv3plus-mobilenetv1-face': deeplab('mobilenetv1-face', 'DeepLabV3+ on MobileNetV1 initialised from face-api\'s SSD face detector (taps conv_11, conv_3; transfer learning)'),
  'deeplabv3plus-efficientnetb0': deeplab('efficientnetb0', 'DeepLabV3+ on EfficientNet-B0 (taps block6a_expand_bn, block3a_expand_bn)'),
  'pspnet-resnet50': {
    description: "The original project's PSPNet on ResNet50 cut at conv3_block4_add (stride 8)",
    // Stride 8, then pooling bins of up to 8: the side must divide by 64.
    sizeMultiple: () => 64,
    head: (input, numClasses) => pspnetDecoder(getEncoder('resnet50').build(input), numClasses, 8),
  },
  unet: {
    description: 'Small U-Net, configurable widths (option widths, default 16,32,64,128) for quick experiments',
    sizeMultiple: (options) => 2 ** (numberList(options, 'widths', UNET_DEFAULTS.widths).length - 1),
    head: (input, numClasses, options) => unet(input, numClasses, { widths: numberList(options, 'widths', UNET_DEFAULTS.widths) }),
  },
};

export const modelNames: readonly string[] = Object.keys(MODELS);

export function describeModels(): { name: string; description: string }[] {
  return Object.entries(MODELS).map(([name, def]) => ({ name, description: def.description }));
}

/** Checks a name, input size and options without building anything; throws saying what is wrong. */
export function checkModel(name: string, inputSize: number, options: Record<string, ModelOptionValue> = {}): void {
  const def = MODELS[name];
  if (!def) throw new DomainError({ code: 'invalid_input', field: 'config', message: `unknown model "${name}"; valid: ${modelNames.join(', ')}` });
  const multiple = def.sizeMultiple(options);
  if (!Number.isInteger(inputSize) || inputSize <= 0 || inputSize % multiple !== 0) {
    throw new DomainError({ code: 'invalid_input', field: 'config', message: `model "${name}": input size ${inputSize} must be a positive multiple of ${multiple}` });
  }
}

export function buildModel(name: string, build: BuildOptions): tf.LayersModel {
  const options = build.options ?? {};
  checkModel(name, build.inputSize, options);
  const def = MODELS[name]!;
  return withSeededRandom(build.seed ?? 0, () => {
    const input = tf.input({ shape: [build.inputSize, build.inputSize, 3], name: 'image' });
    const output = def.head(input, build.numClasses, options);
    return tf.model({ inputs: input, outputs: output, name });
  });
}
