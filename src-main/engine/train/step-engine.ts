// Where a run's training steps execute. `LocalSteps` runs them in this thread's engine (micro-
// batched to fit its memory); `ParallelSteps` runs them in engine workers holding replicas of the
// model (data-parallel: every op on every core, one wasm heap per worker). The loop keeps its own
// model and optimizer for checkpoints; `sync` brings them up to date with the replicas.
import type { SegLoss } from '../losses/index';
import { tf } from '../tf';
import { DataParallel, splitCounts } from './replicas';
import type { Shard } from './replica-jobs';
import { modelScorer, type BatchScore, type BatchScorer } from './evaluate';
import { batchGradients } from './gradients';
import { restoreOptimizerState, setLearningRate } from './optimizer';

export interface StepOutcome {
  loss: number;
  /** Arg-max labels of the training forward pass, [n, size, size] (null when `confusion` is given). */
  predicted: Int32Array | null;
  /** The batch's confusion counts [C·C], truth-major, when the engine counted them on the device. */
  confusion?: Float64Array | null;
}

export interface StepEngine {
  /** For logs: where steps run, e.g. "2 engine workers × micro-batches of 4". */
  readonly description: string;
  step(x: Float32Array, y: Int32Array, n: number, size: number, lr: number): Promise<StepOutcome>;
  /** Scores validation batches with the current weights. */
  readonly scorer: BatchScorer;
  /** Makes the loop's model and optimizer equal to the trained ones (before a checkpoint). */
  sync(model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void>;
  close(): Promise<void>;
}

export class LocalSteps implements StepEngine {
  readonly description: string;
  readonly scorer: BatchScorer;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly loss: SegLoss,
    private readonly microBatch: number,
    /** Count training confusion on the device (webgpu: no label download per step). */
    private readonly confusionClasses: number | null = null,
  ) {
    this.description = `this thread's engine, micro-batches of at most ${microBatch}`;
    this.scorer = modelScorer(model, loss);
  }

  async step(x: Float32Array, y: Int32Array, n: number, size: number, lr: number): Promise<StepOutcome> {
    setLearningRate(this.optimizer, lr);
    const variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { loss, predicted, confusion, gradients } = await batchGradients(
      this.model, this.loss, variables, x, y, n, size, this.microBatch, this.confusionClasses,
    );
    const named: Record<string, tf.Tensor> = {};
    variables.forEach((v, i) => (named[v.name] = gradients[i]!));
    this.optimizer.applyGradients(named);
    tf.dispose(gradients);
    return { loss, predicted, confusion };
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Cuts a batch into contiguous shards of `counts` images (copies: a view would post its whole buffer). */
export function shardsOf(x: Float32Array, y: Int32Array, size: number, counts: number[]): Shard[] {
  const pixels = size * size;
  let start = 0;
  return counts.map((count) => {
    const shard = { x: x.slice(start * pixels * 3, (start + count) * pixels * 3), y: y.slice(start * pixels, (start + count) * pixels), count };
    start += count;
    return shard;
  });
}

function concat<T extends Float32Array | Int32Array | Uint8Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class ParallelSteps implements StepEngine {
  readonly description: string;
  readonly scorer: BatchScorer;

  constructor(private readonly dp: DataParallel) {
    const m = dp.replica;
    const perImage = m.bytesPerImage === null ? '' : ` (${(m.bytesPerImage / 2 ** 20).toFixed(0)} MB of heap per image)`;
    this.description = `${dp.workers} engine workers, data-parallel, micro-batches of at most ${m.microBatch}${perImage}`;
    this.scorer = async (x, y, n, size): Promise<BatchScore> => {
      const counts = splitCounts(n, this.dp.workers);
      const scores = await this.dp.score(shardsOf(x, y, size, counts));
      return {
        predicted: concat(scores.map((s) => s.predicted), (k) => new Int32Array(k)),
        entropy: concat(scores.map((s) => s.entropy), (k) => new Float32Array(k)),
        confident: concat(scores.map((s) => s.confident), (k) => new Uint8Array(k)),
        loss: scores.reduce((sum, s, i) => sum + (s.loss * counts[i]!) / n, 0),
      };
    };
  }

  async step(x: Float32Array, y: Int32Array, n: number, size: number, lr: number): Promise<StepOutcome> {
    const { loss, predicted } = await this.dp.step(shardsOf(x, y, size, splitCounts(n, this.dp.workers)), lr);
    return { loss, predicted: concat(predicted, (k) => new Int32Array(k)) };
  }

  async sync(model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void> {
    const state = await this.dp.state();
    const tensors = state.weights.map((w, i) => tf.tensor(w, model.weights[i]!.read().shape));
    model.setWeights(tensors);
    tf.dispose(tensors);
    if (state.optimizer.specs.length > 0) await restoreOptimizerState(optimizer, state.optimizer);
  }

  close(): Promise<void> {
    return this.dp.close();
  }
}
