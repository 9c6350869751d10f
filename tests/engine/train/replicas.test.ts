// Data-parallel training across two engine workers: replicas start from the weights they are
// given and stay equal, a data-parallel step computes the same update as this thread's engine
// taking the same batch in the same micro-batches, and validation scoring is split and joined.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../../src-main/engine/backend/index';
import { makeLoss, ORIGINAL_LOSS } from '../../../src-main/engine/losses/index';
import { buildModel } from '../../../src-main/engine/models/registry';
import { tf } from '../../../src-main/engine/tf';
import { modelScorer } from '../../../src-main/engine/train/evaluate';
import { makeOptimizer } from '../../../src-main/engine/train/optimizer';
import { LocalSteps, ParallelSteps } from '../../../src-main/engine/train/step-engine';
import { DataParallel, splitCounts } from '../../../src-main/engine/train/replicas';
import { stateJob } from '../../../src-main/engine/train/replica-jobs';

const SIZE = 32;
const N = 5;
const MODEL = 'unet';
const OPTIONS = { widths: [8, 16] };

function batch(seed: number): { x: Float32Array; y: Int32Array } {
  return tf.tidy(() => ({
    x: tf.randomUniform([N, SIZE, SIZE, 3], 0, 1, 'float32', seed).dataSync() as Float32Array,
    y: tf.randomUniform([N, SIZE, SIZE], 0, 8, 'int32', seed + 1).dataSync() as Int32Array,
  }));
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('data-parallel workers', () => {
  let dp: DataParallel;
  let local: tf.LayersModel;
  let initial: Float32Array[];
  const loss = makeLoss(ORIGINAL_LOSS, 8);

  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1 });
    local = buildModel(MODEL, { inputSize: SIZE, numClasses: 8, seed: 3, options: OPTIONS });
    // Replicas get these weights, not the seed's: perturb them so a replica that ignored them fails.
    initial = local.weights.map((w) => tf.tidy(() => tf.add(w.read(), tf.randomNormal(w.read().shape, 0, 0.01, 'float32', 9)).dataSync() as Float32Array));
    const tensors = initial.map((w, i) => tf.tensor(w, local.weights[i]!.read().shape));
    local.setWeights(tensors);
    tf.dispose(tensors);
    dp = await DataParallel.start(2, {
      model: MODEL,
      modelOptions: OPTIONS,
      size: SIZE,
      classes: 8,
      seed: 3,
      loss: ORIGINAL_LOSS,
      optimizer: { optimizer: 'sgd', lr: 0.1, momentum: 0.9 },
      weights: initial,
      maxShard: 3,
    });
  });
  afterAll(async () => {
    await dp?.close();
    local?.dispose();
  });

  async function replicaWeights(): Promise<Float32Array[][]> {
    return Promise.all(dp.hosts.map(async (h) => (await h.run(stateJob, {})).weights));
  }

  it('splits a batch between the workers', () => {
    expect(dp.split(8)).toEqual([4, 4]);
    expect(dp.split(5)).toEqual([3, 2]);
    expect(dp.split(1)).toEqual([1]);
    expect(splitCounts(7, 3)).toEqual([3, 2, 2]);
  });

  it('starts every replica from the weights it was given', async () => {
    for (const weights of await replicaWeights()) weights.forEach((w, i) => expect(maxDiff(w, initial[i]!)).toBe(0));
    // Micro-batch measured for the shard: a 32 px U-Net fits whole.
    expect(dp.replica.microBatch).toBe(3);
    expect(dp.replica.bytesPerImage).toBeGreaterThan(0);
  });

  it('takes the same steps as one engine with the same micro-batches, and keeps replicas equal', async () => {
    const optimizer = makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 });
    // Shards of 3 + 2 images = this thread's micro-batches of at most 3 (3 + 2).
    const steps = new LocalSteps(local, optimizer, loss, 3);
    const parallel = new ParallelSteps(dp);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { x, y } = batch(20 + i);
      const a = await steps.step(x, y, N, SIZE, 0.1);
      const b = await parallel.step(x, y, N, SIZE, 0.1);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
      expect(b.predicted!.length).toBe(N * SIZE * SIZE);
      losses.push(b.loss);
    }
    const [r0, r1] = await replicaWeights();
    const trainable = local.trainableWeights.length;
    local.weights.forEach((w, i) => {
      expect(maxDiff(r0![i]!, r1![i]!)).toBe(0);
      // Trainable weights match this thread's; BatchNorm moving statistics are averaged across
      // replicas instead of updated once per micro-batch, so they differ slightly by design.
      if (i < trainable) expect(maxDiff(r0![i]!, w.read().dataSync() as Float32Array)).toBeLessThan(1e-4);
    });
    expect(maxDiff(r0![0]!, initial[0]!)).toBeGreaterThan(1e-4);
    optimizer.dispose();
  });

  it('brings the loop model and optimizer up to date (sync)', async () => {
    const copy = buildModel(MODEL, { inputSize: SIZE, numClasses: 8, seed: 5, options: OPTIONS });
    const optimizer = makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 });
    await new ParallelSteps(dp).sync(copy, optimizer);
    const [r0] = await replicaWeights();
    copy.weights.forEach((w, i) => expect(maxDiff(w.read().dataSync() as Float32Array, r0![i]!)).toBe(0));
    // Momentum slots came along (one per trainable weight, plus the iteration count).
    expect((await optimizer.getWeights()).length).toBe(copy.trainableWeights.length + 1);
    copy.dispose();
    optimizer.dispose();
  });

  it('scores a validation batch split across the replicas like one engine does', async () => {
    const { x, y } = batch(40);
    const sync = buildModel(MODEL, { inputSize: SIZE, numClasses: 8, seed: 5, options: OPTIONS });
    const optimizer = makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 });
    const parallel = new ParallelSteps(dp);
    await parallel.sync(sync, optimizer);
    const a = await parallel.scorer(x, y, N, SIZE);
    const b = await modelScorer(sync, loss)(x, y, N, SIZE);
    expect(Array.from(a.predicted)).toEqual(Array.from(b.predicted));
    expect(maxDiff(a.entropy, b.entropy)).toBeLessThan(1e-5);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-4);
    sync.dispose();
    optimizer.dispose();
  });
});
