// Training runs and evaluation over the API: thin wrappers over the engine's RunManager and
// evaluateSaved, scoped to the session's project; run events go out through the transport.
// Engine failures are domain errors: the router gives them to the caller with their code.
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../contract/domain-error';
import { isBundledModelName } from '../../contract/models';
import { DEFAULT_MODEL, projectDataSchema, runConfigSchema, TRAINING_RECIPES } from '../../contract/training';
import { architectureFromInit, describeInit, engineHost, evalJob, locateModel, lockRun, modelNames, RunManager, runsDirOf, runTrainInWorker, type RunListener } from '../../engine/index';
import type { HandlerContext } from '../context';
import { projectDirOf as projectOf, projectStoreOf } from '../project-of';
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

/**
 * A run nobody trains, for renaming or deleting: not live in this host, and its folder's lock
 * free (lockRun throws `busy` naming the process that trains it elsewhere). The lock is let go
 * at once: the caller's rename or delete follows in the same turn.
 */
async function idleRun(ctx: HandlerContext, id: string): Promise<string> {
  const project = projectOf(ctx);
  const { summary } = await manager.detail(project, id);
  if (manager.isActive(id) || summary.status === 'running' || summary.status === 'stopping') {
    throw new DomainError({ code: 'busy', field: 'id', message: `run ${id} is training; stop it first` });
  }
  const lock = await lockRun(summary.dir);
  await lock.release();
  return summary.dir;
}

export const trainingHandlers: Pick<Handlers, 'training.options' | 'runs.start' | 'runs.stop' | 'runs.resume' | 'runs.list' | 'runs.get' | 'runs.rename' | 'runs.delete' | 'eval.run'> = {
  async 'training.options'() {
    const { data: _data, ...defaults } = runConfigSchema.parse({ data: { kind: 'project', dir: '.' } });
    const { kind: _kind, dir: _dir, ...projectData } = projectDataSchema.parse({ kind: 'project', dir: '.' });
    return { models: [...modelNames], defaultModel: DEFAULT_MODEL, recipes: TRAINING_RECIPES, defaults, projectData };
  },
  async 'runs.start'(input, ctx) {
    const project = projectOf(ctx);
    const { model, inputSize, epochs, ...rest } = input.config;
    // From a model: its architecture and size (a contradicting value is refused); a name is a
    // run of the project, a relative path is taken from the project folder.
    const init = rest.init ? await describeInit(rest.init, project, project) : null;
    const architecture = init ? architectureFromInit(init, { model, inputSize, modelOptions: rest.modelOptions }) : { model, inputSize };
    const config = runConfigSchema.parse({
      ...rest,
      ...architecture,
      ...(init ? { init: isBundledModelName(rest.init) ? rest.init : (init.runDir ?? init.dir) } : {}),
      // With a time budget the epochs are only a cap.
      epochs: epochs ?? (rest.minutes ? 10_000 : undefined),
      data: rest.data ?? { kind: 'project', dir: project },
    });
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
  async 'runs.rename'(input, ctx) {
    const project = projectOf(ctx);
    if (input.name === input.id) return (await manager.detail(project, input.id)).summary;
    const target = join(runsDirOf(project), input.name);
    if (existsSync(target)) throw new DomainError({ code: 'conflict', field: 'name', message: `a run named ${input.name} exists already` });
    const dir = await idleRun(ctx, input.id);
    await rename(dir, target);
    // The current model names the run by id: it follows the rename instead of pointing nowhere.
    const store = projectStoreOf(ctx);
    if (store.currentModel === input.id) {
      store.currentModel = input.name;
      ctx.emit('project.changed', { dir: store.dir, imageIds: null });
    }
    return (await manager.detail(project, input.name)).summary;
  },
  async 'runs.delete'(input, ctx) {
    const store = projectStoreOf(ctx);
    if (store.currentModel === input.id) {
      throw new DomainError({ code: 'busy', field: 'id', message: `run ${input.id} is the project's current model; use another model first` });
    }
    const dir = await idleRun(ctx, input.id);
    await rm(dir, { recursive: true, force: true });
    return { deleted: input.id };
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
