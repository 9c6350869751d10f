// Training runs and evaluation over the API: thin wrappers over the engine's RunManager and
// evaluateSaved, scoped to the session's project; run events go out through the transport.
// Engine failures are domain errors: the router gives them to the caller with their code.
import { DomainError } from '../../contract/domain-error';
import { DEFAULT_MODEL, projectDataSchema, runConfigSchema, TRAINING_RECIPES } from '../../contract/training';
import { engineHost, evalJob, locateModel, modelNames, RunManager, runsDirOf, runTrainInWorker, type RunListener } from '../../engine/index';
import type { HandlerContext } from '../context';
import { projectDirOf as projectOf } from '../project-of';
import type { Handlers } from '../router';

// Runs train in the engine worker thread; the API thread only relays their events.
const manager = new RunManager(runTrainInWorker);

function listener(ctx: HandlerContext): RunListener {
  return {
    onBatch: (e) => ctx.emit('run.batch', e),
    onEpoch: (e) => ctx.emit('run.epoch', e),
    onStatus: (runId, summary) => ctx.emit('run.status', { runId, summary }),
    onLog: (runId, message) => ctx.log(message.startsWith('run failed') ? 'error' : 'info', `run ${runId}`, message),
  };
}

export const trainingHandlers: Pick<Handlers, 'training.options' | 'runs.start' | 'runs.stop' | 'runs.resume' | 'runs.list' | 'runs.get' | 'eval.run'> = {
  async 'training.options'() {
    const { data: _data, ...defaults } = runConfigSchema.parse({ data: { kind: 'project', dir: '.' } });
    const { kind: _kind, dir: _dir, ...projectData } = projectDataSchema.parse({ kind: 'project', dir: '.' });
    return { models: [...modelNames], defaultModel: DEFAULT_MODEL, recipes: TRAINING_RECIPES, defaults, projectData };
  },
  async 'runs.start'(input, ctx) {
    const project = projectOf(ctx);
    const config = runConfigSchema.parse({ ...input.config, data: input.config.data ?? { kind: 'project', dir: project } });
    return manager.start(project, config, listener(ctx));
  },
  async 'runs.stop'(input, ctx) {
    return manager.stop(projectOf(ctx), input.id);
  },
  async 'runs.resume'(input, ctx) {
    return manager.resume(projectOf(ctx), input.id, listener(ctx), input.epochs);
  },
  async 'runs.list'(_input, ctx) {
    return manager.list(projectOf(ctx));
  },
  async 'runs.get'(input, ctx) {
    return manager.detail(projectOf(ctx), input.id);
  },
  async 'eval.run'(input, ctx) {
    const project = projectOf(ctx);
    // A name is a run of the project; a relative path is taken from its runs folder.
    const located = locateModel({ model: input.model, projectDir: project, base: runsDirOf(project), checkpoint: input.checkpoint });
    // The engine worker runs one job at a time: an evaluation would wait for the whole run.
    const training = manager.activeRunId();
    if (training) throw new DomainError({ code: 'busy', message: `run ${training} is training; evaluate when it ends or stop it` });
    // In the engine worker, like training: the API thread stays free while it runs.
    const host = await engineHost();
    return host.run(
      evalJob,
      { model: located.runDir ?? located.dir, checkpoint: input.checkpoint, data: runConfigSchema.shape.data.parse({ kind: 'project', dir: project }), split: input.split },
      { onEvent: (e) => ctx.emit('eval.progress', e) },
    );
  },
};

/** For tests and shutdown: the host's run manager. */
export const trainingRuns = manager;
