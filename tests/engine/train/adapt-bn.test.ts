// BatchNorm statistics re-estimated on the user's photos (AdaBN): after one pass the moving
// statistics are the mean of the batch statistics, whatever they were before, and the layers'
// momentum is as it was.
import { expect, it } from 'vitest';
import type { Batch } from '../../../src-main/dataset/loader';
import { initEngine } from '../../../src-main/engine/backend/index';
import { tf } from '../../../src-main/engine/tf';
import { adaptBatchNormStatistics } from '../../../src-main/engine/train/adapt-bn';
import { freezeBatchNormStatistics } from '../../../src-main/engine/train/freeze-bn';
import '../../../src-main/engine/models/layers/batch-norm';

const SIZE = 2;

function batchOf(values: number[][]): Batch {
  // values[i] = one image's 3 channel values, the same at each of its pixels... plus a ramp so the variance is not 0.
  const n = values.length;
  const x = new Float32Array(n * SIZE * SIZE * 3);
  for (let i = 0; i < n; i++) for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) x[(i * SIZE * SIZE + p) * 3 + c] = values[i]![c]! + p;
  return { x, y: new Int32Array(n * SIZE * SIZE), n, size: SIZE, items: [] };
}

function stats(batch: Batch): { mean: number[]; variance: number[] } {
  const mean = [0, 0, 0];
  const sq = [0, 0, 0];
  const count = batch.n * SIZE * SIZE;
  for (let i = 0; i < count; i++) for (let c = 0; c < 3; c++) {
    mean[c]! += batch.x[i * 3 + c]! / count;
    sq[c]! += batch.x[i * 3 + c]! ** 2 / count;
  }
  return { mean, variance: mean.map((m, c) => sq[c]! - m * m) };
}

function model(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const output = tf.layers.batchNormalization({ momentum: 0.9 }).apply(input) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: output });
  // Statistics "learnt elsewhere", far from the data.
  m.layers[1]!.setWeights([tf.ones([3]), tf.zeros([3]), tf.fill([3], 100), tf.fill([3], 50)]);
  return m;
}

it('sets the moving statistics to the mean of the batch statistics and restores the momentum', async () => {
  await initEngine();
  const batches = [batchOf([[1, 2, 3], [3, 4, 5]]), batchOf([[10, 0, -4]])];
  const m = model();
  const seen = await adaptBatchNormStatistics(m, { batches: async function* () { yield* batches; } });
  expect(seen).toBe(2);
  const [, , movingMean, movingVariance] = m.layers[1]!.getWeights().map((w) => Array.from(w.dataSync()));
  const s = batches.map(stats);
  for (let c = 0; c < 3; c++) {
    expect(movingMean![c]).toBeCloseTo((s[0]!.mean[c]! + s[1]!.mean[c]!) / 2, 4);
    expect(movingVariance![c]).toBeCloseTo((s[0]!.variance[c]! + s[1]!.variance[c]!) / 2, 3);
  }
  expect((m.layers[1] as unknown as { momentum: number }).momentum).toBe(0.9);
});

it('does nothing to frozen statistics (adapt first, then freeze)', async () => {
  await initEngine();
  const m = model();
  freezeBatchNormStatistics(m);
  await adaptBatchNormStatistics(m, { batches: async function* () { yield batchOf([[1, 2, 3]]); } });
  expect(Array.from(m.layers[1]!.getWeights()[2]!.dataSync())).toEqual([100, 100, 100]);
});
