// Data-parallel training across engine workers, host side: splits each batch between the
// replicas, averages their gradients and BatchNorm statistics (weighted by shard size, in a
// fixed order, so runs are reproducible) and sends the averages back so every replica applies
// the same update. See replica-jobs.ts for the worker side.
import type { EngineOptions } from '../backend/types';
import type { BatchScore } from './evaluate';
import type { OptimizerState } from './optimizer';
import { EngineHost } from '../worker/host';
import { applyJob, gradientsJob, predictJob, scoreJob, setupJob, stateJob, type ReplicaInfo, type ReplicaSpec, type Shard } from './replica-jobs';

export interface ParallelStep {
  loss: number;
  /** Arg-max labels per shard, in shard order. */
  predicted: Int32Array[];
}

/** `n` split as evenly as possible in at most `parts` non-empty shares. */
export function splitCounts(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0)).filter((c) => c > 0);
}

/** Weighted mean of same-length arrays, accumulated in the arrays' order. */
function weightedMean(arrays: Float32Array[], weights: number[]): Float32Array {
  const out = new Float32Array(arrays[0]!.length);
  arrays.forEach((a, i) => {
    const w = weights[i]!;
    for (let k = 0; k < out.length; k++) out[k]! += a[k]! * w;
  });
  return out;
}

export class DataParallel {
  private constructor(
    readonly hosts: EngineHost[],
    readonly replica: ReplicaInfo,
  ) {}

  /** Starts `workers` engine workers (single-threaded unless `engine.threads` says otherwise), one replica each. */
  static async start(workers: number, spec: ReplicaSpec, engine: EngineOptions = {}): Promise<DataParallel> {
    const started = await Promise.allSettled(Array.from({ length: workers }, () => EngineHost.start({ threads: 1, ...engine })));
    const hosts = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      const [first] = await Promise.all(hosts.map((h) => h.run(setupJob, spec)));
      return new DataParallel(hosts, first!);
    } catch (error) {
      await Promise.all(hosts.map((h) => h.close()));
      throw error;
    }
  }

  get workers(): number {
    return this.hosts.length;
  }

  /** How many images each worker gets for a batch of `batch`. */
  split(batch: number): number[] {
    return splitCounts(batch, this.hosts.length);
  }

  /** One optimizer step over the shards (at most one per worker). */
  async step(shards: Shard[], lr: number): Promise<ParallelStep> {
    const results = await Promise.all(shards.map((s, i) => this.hosts[i]!.run(gradientsJob, s)));
    const total = shards.reduce((n, s) => n + s.count, 0);
    const weights = shards.map((s) => s.count / total);
    const gradients = results[0]!.gradients.map((_, v) => weightedMean(results.map((r) => r.gradients[v]!), weights));
    const stats = results[0]!.stats.map((_, v) => weightedMean(results.map((r) => r.stats[v]!), weights));
    await Promise.all(this.hosts.map((h) => h.run(applyJob, { gradients, stats, lr })));
    return {
      loss: results.reduce((sum, r, i) => sum + r.loss * weights[i]!, 0),
      predicted: results.map((r) => r.predicted),
    };
  }

  async score(shards: Shard[]): Promise<BatchScore[]> {
    return Promise.all(shards.map((s, i) => this.hosts[i]!.run(scoreJob, s)));
  }

  async predict(shards: Shard[]): Promise<Float32Array[]> {
    const results = await Promise.all(shards.map((s, i) => this.hosts[i]!.run(predictJob, s)));
    return results.map((r) => r.probabilities);
  }

  /** Weights and optimizer state of the first replica (all are equal). */
  state(): Promise<{ weights: Float32Array[]; optimizer: OptimizerState }> {
    return this.hosts[0]!.run(stateJob, {});
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.close()));
  }
}
