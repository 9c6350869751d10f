// Which folder a model setting means, in the one place that decides it: run ids of a project,
// run folders, model folders, the default model, and the words when there is none.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../../src-main/contract/domain-error';
import { runNameSchema } from '../../../src-main/contract/training';
import { locateModel, resolveModelFolder } from '../../../src-main/engine/infer/model-folder';
import { tempDir } from '../../helpers/temp';

describe('model folders', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let project: string;
  const savedDefault = process.env.FACET_DEFAULT_MODEL_DIR;
  const savedAccurate = process.env.FACET_ACCURATE_MODEL_DIR;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-model-folder-'));
    project = join(root, 'project');
    const run = join(project, 'runs', 'r1');
    await mkdir(join(run, 'checkpoints', 'best'), { recursive: true });
    await mkdir(join(run, 'checkpoints', 'last'), { recursive: true });
    await writeFile(join(run, 'config.json'), '{}');
    await writeFile(join(run, 'checkpoints', 'best', 'model.json'), '{}');
    await writeFile(join(run, 'checkpoints', 'last', 'model.json'), '{}');
    await mkdir(join(root, 'folder'), { recursive: true });
    await writeFile(join(root, 'folder', 'model.json'), '{}');
    process.env.FACET_DEFAULT_MODEL_DIR = join(root, 'default');
    process.env.FACET_ACCURATE_MODEL_DIR = join(root, 'accurate');
    await mkdir(join(root, 'accurate'), { recursive: true });
    await writeFile(join(root, 'accurate', 'model.json'), '{}');
    // A run that took a bundled model's name before such names were reserved.
    await mkdir(join(project, 'runs', 'accurate', 'checkpoints', 'best'), { recursive: true });
    await writeFile(join(project, 'runs', 'accurate', 'config.json'), '{}');
  });

  afterAll(async () => {
    if (savedDefault === undefined) delete process.env.FACET_DEFAULT_MODEL_DIR;
    else process.env.FACET_DEFAULT_MODEL_DIR = savedDefault;
    if (savedAccurate === undefined) delete process.env.FACET_ACCURATE_MODEL_DIR;
    else process.env.FACET_ACCURATE_MODEL_DIR = savedAccurate;
    await cleanup?.();
  });

  it('a bare name is a run of the project: its best (or last) checkpoint', () => {
    expect(resolveModelFolder({ model: 'r1', projectDir: project })).toEqual({ dir: join(project, 'runs', 'r1', 'checkpoints', 'best'), runDir: join(project, 'runs', 'r1') });
    expect(locateModel({ model: 'r1', projectDir: project, checkpoint: 'last' }).dir).toBe(join(project, 'runs', 'r1', 'checkpoints', 'last'));
  });

  it('a run folder stands for its checkpoint; a model folder for itself; nothing for the default model', () => {
    expect(locateModel({ model: join(project, 'runs', 'r1') }).dir).toBe(join(project, 'runs', 'r1', 'checkpoints', 'best'));
    expect(resolveModelFolder({ model: join(root, 'folder') })).toEqual({ dir: join(root, 'folder'), runDir: null });
    expect(locateModel({ model: 'folder', base: root }).dir).toBe(join(root, 'folder'));
    expect(locateModel({}).dir).toBe(join(root, 'default'));
  });

  it('`default` names the default model wherever a model is named (with or without a project)', () => {
    expect(locateModel({ model: 'default' })).toEqual({ dir: join(root, 'default'), runDir: null });
    expect(locateModel({ model: 'default', projectDir: project, base: project })).toEqual({ dir: join(root, 'default'), runDir: null });
    expect(() => resolveModelFolder({ model: 'default', projectDir: project })).toThrow(/no model to use: there is no default model/);
  });

  it('`accurate` names the bundled accurate model, even in a project holding a run of that name', () => {
    expect(resolveModelFolder({ model: 'accurate' })).toEqual({ dir: join(root, 'accurate'), runDir: null });
    expect(resolveModelFolder({ model: 'accurate', projectDir: project, base: project })).toEqual({ dir: join(root, 'accurate'), runDir: null });
    // A path to that run still reaches it.
    expect(locateModel({ model: './runs/accurate', base: project }).dir).toBe(join(project, 'runs', 'accurate', 'checkpoints', 'best'));
    process.env.FACET_ACCURATE_MODEL_DIR = join(root, 'not-installed');
    try {
      expect(() => resolveModelFolder({ model: 'accurate' })).toThrow(/no accurate model.*FACET_ACCURATE_MODEL_DIR/s);
    } finally {
      process.env.FACET_ACCURATE_MODEL_DIR = join(root, 'accurate');
    }
  });

  it('run names may not be a bundled model\'s name', () => {
    expect(runNameSchema.safeParse('accurate').success).toBe(false);
    expect(runNameSchema.safeParse('default').success).toBe(false);
    expect(runNameSchema.safeParse('accurate-2').success).toBe(true);
  });

  it('a choice without model.json is not_found, naming the file', () => {
    const missing = (() => {
      try {
        resolveModelFolder({ model: 'nope', projectDir: project });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(DomainError);
    expect(missing).toMatchObject({ code: 'not_found', file: join(project, 'runs', 'nope', 'checkpoints', 'best', 'model.json') });
    expect(() => resolveModelFolder({ model: null })).toThrow(/no model to use.*train.*install/s);
  });
});
