// A training run as a plain async function with callbacks (the engine worker's job wraps it; the
// CLI calls it directly). Per epoch: seeded batches → steps (per-batch event) → validation →
// schedule/early stop → best checkpoint (val mean F1 over the face parts, or IoU: config.selectBy) → last checkpoint carrying the optimizer
// and schedule state and the history → history files (per-epoch event). A stop request ends the
// run after the current batch; resuming restarts the interrupted epoch from the last checkpoint,
// so a resumed run produces the same history as an uninterrupted one (same seed, same backend).
import { CLASS_NAMES, NUM_CLASSES } from '../../contract/classes';
import type { EpochRecord, RunBatchEvent, RunEpochEvent, RunSummary } from '../../contract/training';
import { BatchLoader, SampleCache } from '../../dataset/loader';
import { releaseGpuPool } from '../backend/gpu-memory';
import { makeLoss } from '../losses/index';
import { ConfusionMatrix, metricsFromConfusion } from '../metrics/index';
import { buildModel } from '../models/registry';
import { tf } from '../tf';
import { evaluate } from './evaluate';
import { evaluateSaved } from './eval-run';
import { loadLast, saveBest, saveLast } from './checkpoint';
import { makeOptimizer } from './optimizer';
import { RunFolder } from './run-folder';
import { afterEpoch, initialSchedule, lrAtProgress, lrForEpoch } from './schedule';
import { openReplay, openRunData } from './run-data';
import { loadInitModel } from './init-weights';
import { atInputSize } from '../models/transplant';
import { adaptBatchNormStatistics } from './adapt-bn';
import { freezeBatchNormStatistics } from './freeze-bn';
import { defaultTrainWorkers, openSteps } from './open-steps';
import type { StepEngine } from './step-engine';

export interface TrainCallbacks {
  onBatch?(event: RunBatchEvent): void;
  onEpoch?(event: RunEpochEvent): void;
  onStatus?(summary: RunSummary): void;
  log?(message: string): void;
}

export interface TrainOptions {
  run: RunFolder;
  /** Continue from the last checkpoint (else start fresh; the folder must hold only config.json). */
  resume?: boolean;
  /** On resume: a new total epoch count. */
  epochs?: number;
  signal?: AbortSignal;
  backend: string;
  /** Engine workers for the steps (default: defaultTrainWorkers). */
  workers?: number;
  callbacks?: TrainCallbacks;
}

export async function runTraining(options: TrainOptions): Promise<RunSummary> {
  const { run, signal, callbacks = {} } = options;
  let config = await run.readConfig();
  if (options.epochs !== undefined && options.epochs !== config.epochs) {
    config = { ...config, epochs: options.epochs };
    await run.writeConfig(config);
  }
  const previous = await run.readSummary();
  const createdAt = previous?.createdAt ?? new Date().toISOString();
  const summary: RunSummary = {
    id: run.id,
    dir: run.dir,
    status: 'running',
    model: config.model,
    inputSize: config.inputSize,
    epochsPlanned: config.epochs,
    epochsDone: 0,
    best: null,
    createdAt,
    updatedAt: createdAt,
    seconds: 0,
    backend: options.backend,
    error: null,
    minutes: config.minutes,
    lineage: config.lineage,
  };
  const publish = async (): Promise<void> => {
    summary.updatedAt = new Date().toISOString();
    await run.writeSummary(summary);
    callbacks.onStatus?.({ ...summary });
  };

  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  let steps: StepEngine | null = null;
  try {
    const data = await openRunData(config);
    callbacks.log?.(`data: ${data.describe}: ${data.train.length} train, ${data.val.length} val`);
    if (config.heldOutVal) callbacks.log?.(`no validation images in the data: ${config.heldOutVal.length} of the training images (${Math.round(config.autoVal.share * 100)}%, at least ${config.autoVal.min}) are held out as validation (config.json heldOutVal)`);
    if (data.train.length === 0) throw new Error(`no labelled training images in ${data.describe}`);
    const replay = await openReplay(config);
    if (config.replay) callbacks.log?.(`replay: ${replay.length} images of ${config.replay.data.dir}, ${Math.round(config.replay.share * 100)}% of each epoch's draws`);
    const cache = new SampleCache(config.inputSize);
    const trainLoader = new BatchLoader(
      [...data.train, ...replay],
      { size: config.inputSize, batchSize: config.batchSize, seed: config.seed, augment: config.augment, maxBatches: config.stepsPerEpoch, ...(replay.length > 0 ? { replayFrom: data.train.length, replayShare: config.replay!.share } : {}) },
      cache,
    );
    const valLoader = data.val.length ? new BatchLoader(data.val, { size: config.inputSize, batchSize: config.batchSize, seed: config.seed, augment: null }, cache) : null;
    const loss = makeLoss(config.loss, NUM_CLASSES);

    // Model, optimizer and schedule: fresh, or exactly as the last checkpoint left them.
    let schedule = initialSchedule(config);
    let history: EpochRecord[] = [];
    let startEpoch = 1;
    optimizer = makeOptimizer(config);
    const saved = options.resume ? await loadLast(run, optimizer) : null;
    const build = { inputSize: config.inputSize, numClasses: NUM_CLASSES, seed: config.seed, options: config.modelOptions };
    if (saved) {
      model = saved.model;
      schedule = saved.state.schedule;
      history = saved.state.history;
      summary.best = saved.state.best;
      // The time of every stretch so far, also the part of an epoch a stop threw away (the summary
      // has it; the checkpoint only counts finished epochs).
      summary.seconds = Math.max(saved.state.seconds, previous?.seconds ?? 0);
      startEpoch = saved.state.epoch + 1;
      callbacks.log?.(`resuming ${run.id} at epoch ${startEpoch}`);
    } else if (config.lineage) {
      model = atInputSize(await loadInitModel(config.lineage), config.model, build, config.lineage.path);
      callbacks.log?.(`starting from ${config.lineage.name} (${config.lineage.path}, weights sha256 ${config.lineage.weightsSha256.slice(0, 12)}…)`);
      if (config.lineage.inputSize !== config.inputSize) callbacks.log?.(`its weights rebuilt at ${config.inputSize}px (trained at ${config.lineage.inputSize}px)`);
    } else {
      model = buildModel(config.model, build);
    }
    if (config.adaptBatchNorm && config.lineage && !saved) {
      const batches = await adaptBatchNormStatistics(model, new BatchLoader(data.train, { size: config.inputSize, batchSize: 8, seed: config.seed, augment: null }, cache));
      callbacks.log?.(`BatchNorm statistics re-estimated on the ${data.train.length} training images (${batches} batches)`);
    }
    if (config.freezeBatchNorm) {
      // (Not inside the log call: `log?.(…)` would skip its argument without a log callback.)
      const frozen = freezeBatchNormStatistics(model);
      callbacks.log?.(`BatchNorm statistics frozen in ${frozen} layers`);
    }
    summary.epochsDone = history.length;
    await run.writeHistory(history);
    await publish();

    steps = await openSteps({ config, model, optimizer, loss, workers: options.workers ?? defaultTrainWorkers(options.backend, config.batchSize) });
    callbacks.log?.(`steps: ${steps.description}`);
    // A fine-tune must not end worse than it started: the starting model, scored on the
    // validation split, is the best checkpoint (epoch 0) until an epoch beats it.
    if (!saved && config.lineage && valLoader) {
      const t0 = performance.now();
      const start = await evaluate(steps.scorer, valLoader, { classNames: CLASS_NAMES, loss });
      summary.seconds += (performance.now() - t0) / 1000;
      summary.best = { epoch: 0, valMeanIoU: start.metrics.meanIoU, valMeanF1Face: start.metrics.meanF1Face };
      await saveBest(run, model, config, 0);
      callbacks.log?.(`starting model on validation: mean IoU ${start.metrics.meanIoU.toFixed(4)}, mean F1 (face) ${start.metrics.meanF1Face.toFixed(4)} (best until an epoch beats it)`);
      await publish();
    }
    const batchSeconds: number[] = [];
    // A time budget: training (and validation) seconds over all sessions of the run.
    const budget = config.minutes !== null ? config.minutes * 60 : null;
    let budgetSpent = false;
    if (budget !== null) callbacks.log?.(`time budget: ${config.minutes} min; the learning rate schedule spans it`);
    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      if (budget !== null && summary.seconds >= budget) {
        budgetSpent = true;
        break;
      }
      const epochLr = lrForEpoch(config, schedule, epoch);
      let lr = epochLr;
      const batches = await trainLoader.batchCount(epoch);
      const trainConfusion = new ConfusionMatrix(NUM_CLASSES);
      const started = performance.now();
      let lossSum = 0;
      let seen = 0;
      let b = 0;
      for await (const batch of trainLoader.batches(epoch)) {
        if (signal?.aborted) break;
        if (budget !== null) lr = lrAtProgress(config, schedule, (summary.seconds + (performance.now() - started) / 1000) / budget);
        const t0 = performance.now();
        const step = await steps.step(batch.x, batch.y, batch.n, batch.size, lr);
        if (!Number.isFinite(step.loss)) throw new Error(`training diverged: loss is ${step.loss} at epoch ${epoch}, batch ${b + 1} (try a lower --lr)`);
        const batchConfusion = step.confusion
          ? ConfusionMatrix.fromCounts(NUM_CLASSES, step.confusion)
          : new ConfusionMatrix(NUM_CLASSES).add(batch.y, step.predicted!);
        trainConfusion.merge(batchConfusion);
        lossSum += step.loss * batch.n;
        seen += batch.n;
        b++;
        // Let the event loop run between batches: backend reads resolve as microtasks, so
        // without this a stop request (or any API call in this thread) would wait for the epoch.
        await new Promise((resolve) => setImmediate(resolve));
        const dt = (performance.now() - t0) / 1000;
        batchSeconds.push(dt);
        if (batchSeconds.length > 20) batchSeconds.shift();
        const perBatch = batchSeconds.reduce((a, c) => a + c, 0) / batchSeconds.length;
        const batchMetrics = metricsFromConfusion(batchConfusion, CLASS_NAMES);
        callbacks.onBatch?.({
          runId: run.id,
          epoch,
          batch: b,
          batches,
          loss: step.loss,
          meanF1Face: batchMetrics.meanF1Face,
          meanIoUFace: batchMetrics.meanIoUFace,
          lr,
          imagesPerSecond: batch.n / dt,
          etaSeconds: budget !== null ? Math.max(0, budget - summary.seconds - (performance.now() - started) / 1000) : perBatch * ((batches - b) + (config.epochs - epoch) * batches),
        });
        if (budget !== null && summary.seconds + (performance.now() - started) / 1000 >= budget) {
          budgetSpent = true;
          break;
        }
      }
      if (signal?.aborted) {
        callbacks.log?.(`stopped during epoch ${epoch}; the last checkpoint is epoch ${epoch - 1}`);
        summary.status = 'stopped';
        summary.seconds += (performance.now() - started) / 1000;
        await publish();
        return { ...summary };
      }

      // No stop signal here: a stop during validation takes effect at the next batch, after this
      // epoch's checkpoint, instead of throwing the epoch away.
      const val = valLoader ? await evaluate(steps.scorer, valLoader, { classNames: CLASS_NAMES, loss }) : null;
      await steps.sync(model, optimizer);
      const seconds = (performance.now() - started) / 1000;
      const record: EpochRecord = {
        epoch,
        loss: lossSum / Math.max(1, seen),
        valLoss: val?.loss ?? null,
        lr,
        seconds,
        train: metricsFromConfusion(trainConfusion, CLASS_NAMES),
        val: val?.metrics ?? null,
      };
      history = [...history, record];
      summary.seconds += seconds;
      summary.epochsDone = epoch;

      const judged = record.val ?? record.train;
      const isBest = summary.best === null || judged[config.selectBy] > summary.best[config.selectBy === 'meanIoU' ? 'valMeanIoU' : 'valMeanF1Face'];
      if (isBest) {
        summary.best = { epoch, valMeanIoU: judged.meanIoU, valMeanF1Face: judged.meanF1Face };
        await saveBest(run, model, config, epoch);
      }
      const next = afterEpoch(config, schedule, record.valLoss ?? record.loss);
      schedule = next.state;
      await saveLast(run, model, optimizer, config, { epoch, schedule, best: summary.best, seconds: summary.seconds, history });
      await run.writeHistory(history);
      const perEpoch = summary.seconds / Math.max(1, history.length);
      callbacks.onEpoch?.({ runId: run.id, record, isBest, etaSeconds: budget !== null ? Math.max(0, budget - summary.seconds) : perEpoch * (config.epochs - epoch) });
      if (budgetSpent || (budget !== null && summary.seconds >= budget)) {
        budgetSpent = true;
        break;
      }
      if (next.stop) {
        callbacks.log?.(`early stop at epoch ${epoch}: val loss has not improved for ${config.earlyStopPatience} epochs`);
        break;
      }
      await publish();
    }

    if (budgetSpent) callbacks.log?.(`time budget of ${config.minutes} min spent after ${summary.seconds.toFixed(1)} s (epoch ${summary.epochsDone}); best and last checkpoints kept`);
    // The run's verdict: its best checkpoint evaluated afresh on the validation split.
    if (valLoader && summary.best) {
      await run.writeEval(await evaluateSaved({ model: run.dir, checkpoint: 'best', split: 'val', batchSize: config.batchSize, backend: options.backend }));
    }
    summary.status = 'finished';
    await publish();
    return { ...summary };
  } catch (error) {
    summary.status = 'failed';
    summary.error = error instanceof Error ? error.message : String(error);
    await publish().catch(() => undefined);
    throw error;
  } finally {
    await steps?.close();
    model?.dispose();
    optimizer?.dispose();
    // The device's memory goes back once the run is over (webgpu keeps released buffers pooled).
    releaseGpuPool();
  }
}
