// A whole run on WebGPU (SwiftShader, forced), on real data: a small U-Net trains 2 epochs and
// saves its checkpoints and evaluation, leaves no tensor behind and gives its GPU buffers back;
// its model's Predict (fused graph) and folder-segmentation masks agree with the wasm engine's.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/training';
import { initEngine } from '../../../src-main/engine/backend/index';
import { gpuMemory } from '../../../src-main/engine/backend/gpu-memory';
import { startWasm } from '../../../src-main/engine/backend/wasm-threads';
import { loadModelDir, predictBatch, type RgbImage } from '../../../src-main/engine/infer/predict';
import { tf } from '../../../src-main/engine/tf';
import { runTraining } from '../../../src-main/engine/train/loop';
import { RunFolder } from '../../../src-main/engine/train/run-folder';
import { decodePhoto } from '../../../src-main/segment/decode';
import { probabilityModelFromLoaded } from '../../../src-main/segment/model';
import { segmentWhole } from '../../../src-main/segment/segment-photo';
import { describeWith } from '../../helpers/describe-with';
import { celebaDir, needsData, needsWebGpu, useSwiftShader } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';

const PHOTOS = 3;

function argmax(probs: Float32Array, classes: number): Uint8Array {
  const out = new Uint8Array(probs.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

function agreement(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

describeWith([needsWebGpu(), needsData()], 'a training run on WebGPU (SwiftShader)', () => {
  let run: RunFolder;
  let cleanup: () => Promise<void>;
  let photos: string[];

  beforeAll(async () => {
    useSwiftShader();
    await initEngine({ backend: 'webgpu' });
    await startWasm(1);
    await tf.setBackend('webgpu');
    let project: string;
    ({ dir: project, cleanup } = await tempDir('facet-webgpu-run-'));
    const config = runConfigSchema.parse({
      model: 'unet',
      modelOptions: { widths: [8, 16] },
      inputSize: 32,
      epochs: 2,
      batchSize: 4,
      optimizer: 'adam',
      lr: 0.01,
      seed: 7,
      data: { kind: 'folder', dir: celebaDir(), preset: 'celebamask-hq', limit: 10 },
    });
    run = await RunFolder.create(project, config);
    photos = readdirSync(join(celebaDir(), 'images')).sort().slice(0, PHOTOS).map((f) => join(celebaDir(), 'images', f));
  }, 600_000);

  afterAll(async () => {
    await cleanup?.();
  });

  it('trains 2 epochs, saves, and gives its tensors and GPU buffers back', { timeout: 600_000 }, async () => {
    const tensors = tf.memory().numTensors;
    const summary = await runTraining({ run, backend: 'webgpu' });
    expect(summary).toMatchObject({ status: 'finished', epochsDone: 2, backend: 'webgpu', error: null });
    const history = await run.readHistory();
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    for (const h of history) {
      expect(Number.isFinite(h.loss)).toBe(true);
      expect(h.val!.confusion).toHaveLength(8);
    }
    // The training confusion, counted on the device, covers every training pixel once per epoch.
    const trainPixels = history[0]!.train.confusion.flat().reduce((a, b) => a + b, 0);
    expect(trainPixels % (32 * 32)).toBe(0);
    expect(trainPixels).toBeGreaterThan(0);
    expect(history[1]!.loss).toBeLessThan(history[0]!.loss);
    for (const f of ['model.json', 'weights.bin', 'facet-model.json']) expect(existsSync(join(run.bestDir, f)), `best/${f}`).toBe(true);
    expect(existsSync(run.path('eval.json'))).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(gpuMemory()!.freeBuffers).toBe(0);
  });

  it('Predict and segmentation of its model agree with the wasm engine on ≥ 99.5% of pixels', { timeout: 600_000 }, async () => {
    const decoded = await Promise.all(photos.map((p) => decodePhoto(p)));
    const images: RgbImage[] = decoded.map((p) => ({ data: p.data, width: p.width, height: p.height }));
    const onBackend = async (backend: string) => {
      await tf.setBackend(backend);
      const loaded = await loadModelDir(run.bestDir);
      try {
        const probs = await predictBatch(loaded, images);
        const model = probabilityModelFromLoaded(loaded);
        const masks: Uint8Array[] = [];
        for (const photo of decoded) masks.push((await segmentWhole(photo, model)).labels);
        return { predicted: probs.map((p) => argmax(p.data, p.classes)), masks };
      } finally {
        loaded.model.dispose();
      }
    };
    const gpu = await onBackend('webgpu');
    const ref = await onBackend('wasm');
    await tf.setBackend('webgpu');
    for (let i = 0; i < PHOTOS; i++) {
      expect(agreement(gpu.predicted[i]!, ref.predicted[i]!)).toBeGreaterThanOrEqual(0.995);
      expect(gpu.masks[i]!.length).toBe(decoded[i]!.width * decoded[i]!.height);
      expect(agreement(gpu.masks[i]!, ref.masks[i]!)).toBeGreaterThanOrEqual(0.995);
    }
  });
});
