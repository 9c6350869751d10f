// Which models run onnxruntime without its memory-pattern planning: the big ones, where it held
// 1.4 GB more at batch 8 for no speed (infer/onnx/session.ts), not the bundled model's size.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../../src-main/engine/backend';
import { plansMemPattern } from '../../../../src-main/engine/infer/onnx/session';
import { buildModel } from '../../../../src-main/engine/models/registry';

describe('onnxruntime memory pattern', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  it('is off for PSPNet-ResNet50 at 256 px and on for the bundled architecture and MobileNetV2', () => {
    const keeps = Object.fromEntries(
      ['pspnet-resnet50', 'deeplabv3plus-mobilenetv1-face', 'deeplabv3plus-mobilenetv2'].map((name) => {
        const model = buildModel(name, { inputSize: 256, numClasses: 8 });
        const keep = plansMemPattern(model);
        model.dispose();
        return [name, keep];
      }),
    );
    expect(keeps).toEqual({ 'pspnet-resnet50': false, 'deeplabv3plus-mobilenetv1-face': true, 'deeplabv3plus-mobilenetv2': true });
  });
});
