// Training runs and evaluation over the API: thin wrappers over the engine's RunManager and
// evaluateSaved, scoped to the session's project; run events go out through the transport.
import { isAbsolute, join } from 'node:path';
import { runConfigSchema, TRAINING_PRESETS } from '../../contract/training';
import { DEFAULT_MODEL, modelNames } from '../../engine/models/registry';
import { RunBusyError, RunDataError, RunManager, RunNotFoundError, type RunListener } from '../../engine/train/manager';
import { RUNS_DIR } from '../../engine/train/run-folder';
import { engineHost, runTrainInWorker } from '../../engine/jobs/train-in-worker';
import { evalJob } from '../../engine/jobs/train';
import type { HandlerContext } from '../context';
import { ApiError } from '../../contract/errors';
import type { Handlers } from '../router';

// Runs train in the engine worker thread; the API thread only relays their events.
const manager = new RunManager(runTrainInWorker);

function projectOf(ctx: HandlerContext): string {
  const dir = ctx.session.projectDir;
  if (!dir) throw new ApiError({ code: 'not_found', message: 'no project is open: open a project first' });
  return dir;
}

function listener(ctx: HandlerContext): RunListener {
  return {
    onBatch: (e) => ctx.emit('run.batch', e),
    onEpoch: (e) => ctx.emit('run.epoch', e),
    onStatus: (runId, summary) => ctx.emit('run.status', { runId, summary }),
    onLog: (runId, message) => ctx.log(message.startsWith('run failed') ? 'error' : 'info', `run ${runId}`, message),
  };
}

/** Engine errors in API terms. */
async function api<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof RunBusyError) throw new ApiError({ code: 'busy', message: error.message });
    if (error instanceof RunNotFoundError) throw new ApiError({ code: 'not_found', message: error.message });
    if (error instanceof RunDataError) throw new ApiError({ code: 'invalid_input', field: 'config.data', message: error.message });
    const message = error instanceof Error ? error.message : String(error);
    if (/unknown model|input size|model option/.test(message)) throw new ApiError({ code: 'invalid_input', field: 'config', message });
    if (/not a model folder|cannot read model description/.test(message)) throw new ApiError({ code: 'not_found', field: 'model', message });
    if (/^no labelled images/.test(message)) throw new ApiError({ code: 'invalid_input', field: 'split', message });
    throw error;
  }
}

export const trainingHandlers: Pick<Handlers, 'training.options' | 'runs.start' | 'runs.stop' | 'runs.resume' | 'runs.list' | 'runs.get' | 'eval.run'> = {
  async 'training.options'() {
    const { data: _data, ...defaults } = runConfigSchema.parse({ data: { kind: 'project', dir: '.' } });
    return { models: [...modelNames], defaultModel: DEFAULT_MODEL, presets: TRAINING_PRESETS, defaults };
  },
  async 'runs.start'(input, ctx) {
    return api(async () => {
      const project = projectOf(ctx);
      const config = runConfigSchema.parse({ ...input.config, data: input.config.data ?? { kind: 'project', dir: project } });
      return manager.start(project, config, listener(ctx));
    });
  },
  async 'runs.stop'(input, ctx) {
    return api(() => manager.stop(projectOf(ctx), input.id));
  },
  async 'runs.resume'(input, ctx) {
    return api(async () => {
      return manager.resume(projectOf(ctx), input.id, listener(ctx), input.epochs);
    });
  },
  async 'runs.list'(_input, ctx) {
    return api(() => manager.list(projectOf(ctx)));
  },
  async 'runs.get'(input, ctx) {
    return api(() => manager.detail(projectOf(ctx), input.id));
  },
  async 'eval.run'(input, ctx) {
    return api(async () => {
      const project = projectOf(ctx);
      const model = isAbsolute(input.model) ? input.model : join(project, RUNS_DIR, input.model);
      // The engine worker runs one job at a time: an evaluation would wait for the whole run.
      const training = manager.activeRunId();
      if (training) throw new ApiError({ code: 'busy', message: `run ${training} is training; evaluate when it ends or stop it` });
      // In the engine worker, like training: the API thread stays free while it runs.
      const host = await engineHost();
      return host.run(
        evalJob,
        { model, checkpoint: input.checkpoint, data: runConfigSchema.shape.data.parse({ kind: 'project', dir: project }), split: input.split },
        { onEvent: (e) => ctx.emit('eval.progress', e) },
      );
    });
  },
};

/** For tests and shutdown: the host's run manager. */
export const trainingRuns = manager;
