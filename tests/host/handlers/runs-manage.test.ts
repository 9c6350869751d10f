// Renaming and deleting runs over the API (the models panel): names are validated, a taken name
// is a conflict, a run being trained or the project's current model is refused, the current
// model follows a rename, and a delete removes the run's folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunSummary } from '../../../src-main/contract/training';
import type { ProjectSummary } from '../../../src-main/contract/project';
import { createContext } from '../../../src-main/host/context';
import { handlers } from '../../../src-main/host/handlers/index';
import { trainingRuns } from '../../../src-main/host/handlers/training';
import { createRouter } from '../../../src-main/host/router';
import { closeStore } from '../../../src-main/dataset/store/store';
import { describeWith } from '../../helpers/describe-with';
import { needsData } from '../../helpers/requirements';
import { tempDir } from '../../helpers/temp';
import { linkedProject } from '../../engine/train/linked-project';

describeWith([needsData()], 'runs.rename and runs.delete', () => {
  let cleanup: () => Promise<void>;
  let project: string;

  beforeAll(async () => {
    const t = await tempDir('facet-runs-manage-');
    cleanup = t.cleanup;
    project = await linkedProject(t.dir);
  });

  afterAll(async () => {
    closeStore(project);
    await cleanup?.();
  });

  it('renames and deletes runs, refusing bad names, taken names, live runs and the current model', async () => {
    const router = createRouter(handlers);
    const ctx = createContext({ projectDir: project, transport: 'server' }, () => {});
    const call = <T>(method: string, input: unknown) => router.dispatch(method, input, ctx) as Promise<T>;
    const tiny = { model: 'unet', modelOptions: { widths: [4, 8] }, inputSize: 32, epochs: 1, stepsPerEpoch: 1, batchSize: 2 };

    const a = await call<RunSummary>('runs.start', { config: tiny });
    // A run being trained is neither renamed nor deleted.
    await expect(call('runs.rename', { id: a.id, name: 'first' })).rejects.toMatchObject({ code: 'busy' });
    await expect(call('runs.delete', { id: a.id })).rejects.toMatchObject({ code: 'busy' });
    await trainingRuns.settled(a.id);
    const b = await call<RunSummary>('runs.start', { config: tiny });
    await trainingRuns.settled(b.id);

    for (const name of ['', '..', '.hidden', 'a/b', 'x'.repeat(101), 'with space']) {
      await expect(call('runs.rename', { id: a.id, name }), JSON.stringify(name)).rejects.toMatchObject({ code: 'invalid_input', field: 'name' });
    }
    await expect(call('runs.rename', { id: a.id, name: b.id })).rejects.toMatchObject({ code: 'conflict', field: 'name' });
    await expect(call('runs.rename', { id: 'nope', name: 'other' })).rejects.toMatchObject({ code: 'not_found' });

    // The current model follows its run's new name.
    await call<ProjectSummary>('project.setModel', { model: a.id });
    const renamed = await call<RunSummary>('runs.rename', { id: a.id, name: 'first-try' });
    expect(renamed).toMatchObject({ id: 'first-try', status: 'finished' });
    expect(existsSync(join(project, 'runs', a.id))).toBe(false);
    expect((await call<ProjectSummary>('project.summary', {})).currentModel).toBe('first-try');
    expect((await call<RunSummary[]>('runs.list', {})).map((r) => r.id).sort()).toEqual([b.id, 'first-try'].sort());
    // A renamed run trains on: it resumes under its new name.
    const resumed = await call<RunSummary>('runs.resume', { id: 'first-try', epochs: 2 });
    await trainingRuns.settled(resumed.id);
    expect((await call<{ summary: RunSummary }>('runs.get', { id: 'first-try' })).summary).toMatchObject({ status: 'finished', epochsDone: 2 });

    // The current model is not deleted; another run is, folder and all.
    await expect(call('runs.delete', { id: 'first-try' })).rejects.toMatchObject({ code: 'busy', message: expect.stringMatching(/current model/) });
    expect(await call('runs.delete', { id: b.id })).toEqual({ deleted: b.id });
    expect(existsSync(join(project, 'runs', b.id))).toBe(false);
    await expect(call('runs.get', { id: b.id })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('runs.delete', { id: b.id })).rejects.toMatchObject({ code: 'not_found' });
    // Back to the bundled model, the run may go.
    await call('project.setModel', { model: 'default' });
    expect(await call('runs.delete', { id: 'first-try' })).toEqual({ deleted: 'first-try' });
    expect(await call<RunSummary[]>('runs.list', {})).toEqual([]);
  });
});
