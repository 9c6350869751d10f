// Data-parallel training across two engine workers: replicas start equal, stay equal after
// averaged updates, and the shared loss goes down on a fixed batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataParallel } from '../../../src-main/engine/worker/data-parallel';
import { weightsJob } from '../../../src-main/engine/worker/jobs/data-parallel';

describe('data-parallel workers', () => {
  let dp: DataParallel;
  beforeAll(async () => {
    dp = await DataParallel.start(2, { model: 'unet', size: 32, classes: 8, seed: 3, lr: 0.1 });
  });
  afterAll(async () => {
    await dp?.close();
  });

  async function replicaWeights(): Promise<Float32Array[][]> {
    return Promise.all(dp.hosts.map(async (h) => (await h.run(weightsJob, {})).weights));
  }

  it('splits a batch between the workers', () => {
    expect(dp.split(8)).toEqual([4, 4]);
    expect(dp.split(5)).toEqual([3, 2]);
    expect(dp.split(1)).toEqual([1]);
  });

  it('keeps the replicas identical and lowers the loss', async () => {
    const [a0, b0] = await replicaWeights();
    expect(a0!.length).toBeGreaterThan(0);
    a0!.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b0![i]!)));
    const shards = [{ random: 1, count: 2 }, { random: 7, count: 1 }];
    const losses: number[] = [];
    for (let i = 0; i < 6; i++) losses.push(await dp.step(shards));
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    const [a1, b1] = await replicaWeights();
    let moved = 0;
    a1!.forEach((w, i) => {
      expect(Array.from(w)).toEqual(Array.from(b1![i]!));
      for (let k = 0; k < w.length; k++) moved = Math.max(moved, Math.abs(w[k]! - a0![i]![k]!));
    });
    expect(moved).toBeGreaterThan(0);
  });

  it('predicts each shard in its own worker', async () => {
    const [p0, p1] = await dp.predict([{ random: 4, count: 2 }, { random: 5, count: 1 }]);
    expect(p0!.length).toBe(2 * 32 * 32 * 8);
    expect(p1!.length).toBe(32 * 32 * 8);
    // Softmax output: each pixel's 8 probabilities sum to 1.
    const sum = p1!.slice(0, 8).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 4);
  });
});
