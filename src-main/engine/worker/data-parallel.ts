// Data-parallel training across engine workers, host side: splits each batch between the
// replicas, averages their gradients (weighted by shard size) and sends the average back so
// every replica applies the same update. See jobs/data-parallel.ts.
import type { EngineOptions } from '../backend/types';
import { EngineHost } from './host';
import { applyJob, gradientsJob, predictJob, setupJob, type ReplicaSpec, type Shard } from './jobs/data-parallel';

export class DataParallel {
  private constructor(
    readonly hosts: EngineHost[],
    readonly gflopsPerImage: number,
  ) {}

  /** Starts `workers` engine workers (each single-threaded unless `engine.threads` says otherwise). */
  static async start(workers: number, spec: ReplicaSpec, engine: EngineOptions = {}): Promise<DataParallel> {
    const hosts = await Promise.all(Array.from({ length: workers }, () => EngineHost.start({ threads: 1, ...engine })));
    try {
      const [first] = await Promise.all(hosts.map((h) => h.run(setupJob, spec)));
      return new DataParallel(hosts, first!.gflopsPerImage);
    } catch (error) {
      await Promise.all(hosts.map((h) => h.close()));
      throw error;
    }
  }

  /** How many images each worker gets for a batch of `batch`. */
  split(batch: number): number[] {
    const n = this.hosts.length;
    return this.hosts.map((_, i) => Math.floor(batch / n) + (i < batch % n ? 1 : 0)).filter((c) => c > 0);
  }

  /** One SGD step over the shards (one per worker); returns the batch's mean loss. */
  async step(shards: Shard[]): Promise<number> {
    const results = await Promise.all(shards.map((s, i) => this.hosts[i]!.run(gradientsJob, s)));
    const total = shards.reduce((n, s) => n + s.count, 0);
    const averaged = results[0]!.gradients.map((g0, v) => {
      const avg = new Float32Array(g0.length);
      results.forEach((r, i) => {
        const g = r.gradients[v]!;
        const w = shards[i]!.count / total;
        for (let k = 0; k < avg.length; k++) avg[k]! += g[k]! * w;
      });
      return avg;
    });
    await Promise.all(this.hosts.map((h) => h.run(applyJob, { gradients: averaged })));
    return results.reduce((sum, r, i) => sum + (r.loss * shards[i]!.count) / total, 0);
  }

  async predict(shards: Shard[]): Promise<Float32Array[]> {
    const results = await Promise.all(shards.map((s, i) => this.hosts[i]!.run(predictJob, s)));
    return results.map((r) => r.probabilities);
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.close()));
  }
}
