// The engine on WebGPU, forced onto SwiftShader (Dawn's Vulkan backend through Chromium's software
// driver; a real GPU runs the same code). For every registered model at a small size, one
// training step's loss and gradients match the wasm engine's; the loss's one-hot truth survives
// tfjs's int32→float32 cast (kernels/webgpu/Cast.ts); repeated steps leak no tensor and no GPU
// buffer and read back only the loss and the confusion counts, and the pool is given back; a lost
// device fails the step with an error that says so.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initEngine, type EngineInfo } from '../../../src-main/engine/backend/index';
import { gpuMemory, releaseGpuPool } from '../../../src-main/engine/backend/gpu-memory';
import { setKernelVariant } from '../../../src-main/engine/kernels/simd/module';
import { resetGpuHealth } from '../../../src-main/engine/backend/gpu-health';
import { startWasm } from '../../../src-main/engine/backend/wasm-threads';
import { webgpuDevice } from '../../../src-main/engine/backend/webgpu';
import { makeLoss, ORIGINAL_LOSS } from '../../../src-main/engine/losses/index';
import { buildModel, modelNames } from '../../../src-main/engine/models/registry';
import { tf } from '../../../src-main/engine/tf';
import { randomBatch } from '../../../src-main/engine/train/random-batch';
import { chooseMicroBatch } from '../../../src-main/engine/train/heap-budget';
import { LocalSteps } from '../../../src-main/engine/train/step-engine';
import { describeWith } from '../../helpers/describe-with';
import { needsWebGpu, useSwiftShader } from '../../helpers/requirements';

const N = 2;
const CLASSES = 8;
/** Small but whole: every layer type of each model; PSPNet's pooling bins need a side of 64. */
const sizeOf = (model: string) => (model === 'pspnet-resnet50' ? 64 : 32);
const UNET = { widths: [8, 16] };

interface StepResult {
  loss: number;
  grads: Float32Array[];
}

/** One training step's loss and gradients of `name` on the active backend, with the given weights. */
async function oneStep(name: string, weights: Float32Array[] | null): Promise<StepResult & { weights: Float32Array[] }> {
  const size = sizeOf(name);
  const model = buildModel(name, { inputSize: size, numClasses: CLASSES, seed: 1, ...(name === 'unet' ? { options: UNET } : {}) });
  try {
    if (weights) {
      const ts = weights.map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[]));
      model.setWeights(ts);
      tf.dispose(ts);
    }
    const mine = await Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
    const { x, y } = randomBatch(N, size, CLASSES, 3);
    const loss = makeLoss(ORIGINAL_LOSS, CLASSES);
    const xs = tf.tensor4d(x, [N, size, size, 3]);
    const ys = tf.tensor3d(y, [N, size, size], 'int32');
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => loss(model.apply(xs, { training: true }) as tf.Tensor, ys), variables);
    const result = { loss: (await value.data())[0]!, grads: await Promise.all(variables.map(async (v) => (await grads[v.name]!.data()) as Float32Array)), weights: mine };
    tf.dispose([xs, ys, value, ...Object.values(grads)]);
    return result;
  } finally {
    model.dispose();
  }
}

/**
 * Worst per-variable error, relative to the variable's largest gradient — or to 1e-3 of the
 * model's largest, for gradients that are zero in exact arithmetic (a BatchNorm β followed by
 * another BatchNorm gets ~1e-9 of rounding on either engine).
 */
function worstRelative(a: Float32Array[], b: Float32Array[]): number {
  const scale = Math.max(...b.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  let worst = 0;
  a.forEach((ga, i) => {
    const gb = b[i]!;
    let diff = 0;
    let size = 0;
    for (let j = 0; j < ga.length; j++) {
      diff = Math.max(diff, Math.abs(ga[j]! - gb[j]!));
      size = Math.max(size, Math.abs(gb[j]!));
    }
    worst = Math.max(worst, diff / Math.max(size, 1e-3 * scale));
  });
  return worst;
}

describeWith([needsWebGpu()], 'the engine on WebGPU (SwiftShader)', () => {
  let info: EngineInfo;

  beforeAll(async () => {
    useSwiftShader();
    info = await initEngine({ backend: 'webgpu' });
    // The reference engine, in the same process: single-threaded wasm with Facet's kernels, the
    // plain SIMD build. The relaxed one's fused multiply-adds round differently (as accurately;
    // the kernel tests run both), and at PSPNet's 64 px one ReLU input within 1e-6 of zero then
    // flips and moves a weight's gradient by ~2.5% (a ±1-ulp nudge of one conv's output does the
    // same): the bound below would measure that luck, not the WebGPU engine.
    await startWasm(1);
    setKernelVariant('simd');
    await tf.setBackend('webgpu');
  });
  afterAll(() => setKernelVariant(null));

  it('starts forced on the software adapter, and says it is one', () => {
    expect(info).toMatchObject({ backend: 'webgpu', step: 'webgpu', forced: true, addedKernels: ['Cast'] });
    expect(info.adapter?.software).toBe(true);
    expect(info.adapter?.softwareSigns.length).toBeGreaterThan(0);
    expect(info.adapter?.limits['maxStorageBufferBindingSize']).toBeGreaterThan(0);
  });

  it('sums a one-hot truth cast to float32 as the labels say (the loss terms)', async () => {
    const labels = tf.tensor3d([0, 1, 1, 7, 7, 7, 2, 0], [2, 2, 2], 'int32');
    const onehot = tf.oneHot(labels, CLASSES).toFloat();
    // Sum over [0, 1, 2] moves the class axis first: the transpose that broke on the shared buffer.
    const perClass = tf.sum(onehot, [0, 1, 2]);
    expect(Array.from(await perClass.data())).toEqual([2, 2, 1, 0, 0, 0, 0, 3]);
    tf.dispose([labels, onehot, perClass]);
  });

  for (const name of modelNames) {
    // SwiftShader runs every dispatch on the CPU: ResNet50 at 64 px takes minutes on a busy 2-core machine.
    const timeout = name === 'pspnet-resnet50' ? 480_000 : 240_000;
    it(`${name}: one training step's loss and gradients match the wasm engine's`, { timeout }, async () => {
      await tf.setBackend('webgpu');
      const gpu = await oneStep(name, null);
      await tf.setBackend('wasm');
      const ref = await oneStep(name, gpu.weights);
      await tf.setBackend('webgpu');
      expect(Number.isFinite(gpu.loss)).toBe(true);
      expect(Math.abs(gpu.loss - ref.loss) / ref.loss).toBeLessThan(1e-4);
      expect(worstRelative(gpu.grads, ref.grads)).toBeLessThan(3e-3);
    });
  }

  it('repeated training steps leak no tensor and no GPU buffer; the pool is given back', async () => {
    await tf.setBackend('webgpu');
    const model = buildModel('unet', { inputSize: 32, numClasses: CLASSES, seed: 2, options: UNET });
    const optimizer = tf.train.adam(0.01);
    const steps = new LocalSteps(model, optimizer, makeLoss(ORIGINAL_LOSS, CLASSES), 2, CLASSES);
    const { x, y } = randomBatch(2, 32, CLASSES, 4);
    const first = await steps.step(x, y, 2, 32, 0.01);
    // On a GPU the step reads back the loss and the confusion counts, not the labels.
    expect(first.predicted).toBeNull();
    expect(first.confusion!.reduce((a, b) => a + b, 0)).toBe(2 * 32 * 32);
    const tensors = tf.memory().numTensors;
    const buffers = gpuMemory()!.usedBuffers;
    // Every download from the device during the steps: one per step (loss + confusion together).
    const backend = tf.backend() as unknown as { read(id: object): Promise<unknown>; readSync(id: object): unknown };
    const [read, readSync] = [backend.read.bind(backend), backend.readSync.bind(backend)];
    let reads = 0;
    backend.read = (id) => (reads++, read(id));
    backend.readSync = (id) => (reads++, readSync(id));
    try {
      for (let i = 0; i < 3; i++) await steps.step(x, y, 2, 32, 0.01);
    } finally {
      backend.read = read;
      backend.readSync = readSync;
    }
    expect(reads).toBe(3);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(gpuMemory()!.usedBuffers).toBe(buffers);
    model.dispose();
    optimizer.dispose();
    expect(gpuMemory()!.freeBuffers).toBeGreaterThan(0);
    releaseGpuPool();
    const after = gpuMemory()!;
    expect(after.freeBuffers).toBe(0);
    expect(after.allocated).toBe(after.inUse);
  });

  it('sizes micro-batches from the device memory one image measured, against FACET_GPU_MEMORY_MB', async () => {
    await tf.setBackend('webgpu');
    const model = buildModel('unet', { inputSize: 32, numClasses: CLASSES, seed: 2, options: UNET });
    const loss = makeLoss(ORIGINAL_LOSS, CLASSES);
    const saved = process.env['FACET_GPU_MEMORY_MB'];
    try {
      const roomy = await chooseMicroBatch(model, loss, 32, 4, CLASSES);
      expect(roomy.microBatch).toBe(4);
      expect(roomy.bytesPerImage).toBeGreaterThan(0);
      // Less than one image's worth: one image per micro-batch (never 0).
      process.env['FACET_GPU_MEMORY_MB'] = String((0.5 * roomy.bytesPerImage!) / 2 ** 20);
      expect((await chooseMicroBatch(model, loss, 32, 4, CLASSES)).microBatch).toBe(1);
    } finally {
      if (saved === undefined) delete process.env['FACET_GPU_MEMORY_MB'];
      else process.env['FACET_GPU_MEMORY_MB'] = saved;
      model.dispose();
    }
  });

  // Last: the device stays lost for this process.
  it('a lost device fails the next step with an error that says so', async () => {
    await tf.setBackend('webgpu');
    const model = buildModel('unet', { inputSize: 32, numClasses: CLASSES, seed: 2, options: UNET });
    const optimizer = tf.train.sgd(0.1);
    const steps = new LocalSteps(model, optimizer, makeLoss(ORIGINAL_LOSS, CLASSES), 2, CLASSES);
    const { x, y } = randomBatch(2, 32, CLASSES, 5);
    await steps.step(x, y, 2, 32, 0.1);
    webgpuDevice()!.destroy();
    const bounded = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the step neither ended nor failed')), 60_000).unref());
    await expect(Promise.race([steps.step(x, y, 2, 32, 0.1), bounded])).rejects.toThrow(/training step: the GPU device was lost \(destroyed/);
    resetGpuHealth();
  });
});
