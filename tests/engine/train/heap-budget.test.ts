// The training micro-batch is what fits the engine's heap, measured by one probe step that
// leaves the model's weights (BatchNorm statistics included) as they were.
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { makeLoss, ORIGINAL_LOSS } from '../../../src-main/engine/losses/index';
import { buildModel } from '../../../src-main/engine/models/registry';
import { tf } from '../../../src-main/engine/tf';
import { microBatches } from '../../../src-main/engine/train/gradients';
import { activationBytes } from '../../../src-main/engine/models/activation-bytes';
import { chooseMicroBatch, wasmHeapBytes } from '../../../src-main/engine/train/heap-budget';

describe('training micro-batches', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
  });

  it('splits a batch into near-equal micro-batches under the limit', () => {
    expect(microBatches(8, 4)).toEqual([4, 4]);
    expect(microBatches(8, 5)).toEqual([4, 4]);
    expect(microBatches(8, 3)).toEqual([3, 3, 2]);
    expect(microBatches(5, 8)).toEqual([5]);
    expect(microBatches(3, 1)).toEqual([1, 1, 1]);
  });

  it('measures the heap one image needs and fits the micro-batch to the budget', async () => {
    const model = buildModel('deeplabv3plus-mobilenetv2', { inputSize: 64, numClasses: 8, seed: 1 });
    const loss = makeLoss(ORIGINAL_LOSS, 8);
    const weights = model.weights.map((w) => w.read().dataSync().slice());
    const tensors = tf.memory().numTensors;
    const roomy = await chooseMicroBatch(model, loss, 64, 8, 8);
    expect(roomy.microBatch).toBe(8);
    expect(roomy.bytesPerImage!).toBeGreaterThanOrEqual(5 * activationBytes(model));
    // A budget of the heap in use plus room for ~2.5 images gives micro-batches of 2.
    const tight = await chooseMicroBatch(model, loss, 64, 8, 8, wasmHeapBytes()! + 2.5 * roomy.bytesPerImage!);
    expect(tight.microBatch).toBe(2);
    model.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(Array.from(weights[i]!)));
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });
});
