// The engine's front door: everything the floors above it (segment, host, cli) may use. The rest
// of src-main/engine is inside. Grouped by what a caller does: start the engine, know its
// models, train, evaluate, predict, benchmark, and run jobs in an engine worker.

// Start: the backend ladder, in this thread.
export { initEngine as startEngine, parseBackendChoice, type EngineInfo, type EngineOptions, type GpuAdapterReport } from './backend/index';
export { adapterName } from './backend/gpu-adapter';
export { GPU_BUDGET_MB } from './train/heap-budget';

// Models: the registry of trainable architectures.
export { checkModel, describeModels, modelNames } from './models/registry';

// Train: runs of a project (one at a time per host), in this thread or in the engine worker.
export { RunManager, type RunListener } from './train/manager';
export { createRun, prepareRunConfig } from './train/new-run';
export { architectureFromInit, describeInit, sha256File, type InitModel } from './train/init-model';
export { lockRun, type RunLock } from './train/run-lock';
export { RunFolder } from './train/run-folder';
export { runTraining } from './train/loop';
export { defaultTrainWorkers } from './train/open-steps';
export { runTrainInWorker } from './jobs/train-in-worker';

// Evaluate: a saved model on a split of a data source.
export { evaluateSaved, type EvalSplit } from './train/eval-run';
export { evalJob } from './jobs/train';

// Predict: model folders (which folder a setting means, loading it) and probabilities per image;
// face detection is loaded only when asked for (it brings its own detector weights).
export { describeBundledModels, describeBundledModel, EVAL_VAL_JSON } from './infer/bundled-models';
export { locateModel, resolveModelFolder, defaultModelDir, bundledModelDir, bundledModelEnv, runsDirOf, RUNS_DIR, DEFAULT_MODEL_WORD, type ModelChoice, type ModelFolder } from './infer/model-folder';
export { loadModelDir, MODEL_JSON, type LoadedModel } from './infer/model-dir';
export { predict, predictBatch, type PredictOptions } from './infer/predict';
export { inferenceInfo, inferChoice, INFER_ENV, type InferenceInfo, type InferChoice, type InferRuntime } from './infer/runtime';
export type { FaceBox, FaceDetector, FaceDetectorOptions } from './infer/faces';
export async function loadFaceDetector(options?: import('./infer/faces').FaceDetectorOptions): Promise<import('./infer/faces').FaceDetector> {
  const { createFaceDetector } = await import('./infer/faces');
  return createFaceDetector(options);
}

// Bench: the model benchmark, in one engine or data-parallel.
export { benchJob, trainStepJob, infoJob } from './jobs/builtin';
export { benchDataParallel } from './bench/parallel-bench';
export { withPeakRss } from './bench/peak-rss';
export type { ModelBench } from './bench/model-bench';

// Workers: the process's shared engine worker, and workers with other job lists (segment's).
export { closeEngineHost, engineHost } from './worker/service';
export { EngineHost, workerEntry, type WorkerEntry } from './worker/host';
export { defineJob, type JobDefinition } from './worker/protocol';
export { serveJobs } from './worker/serve';
export { confidenceMask, confidentDispute, maskDispute, CONFIDENT, type Dispute, type MapWindow } from './metrics/index';
