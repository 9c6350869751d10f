/// <reference path="../../../src-renderer/env.d.ts" />
// Rooms keep their state when the user leaves and comes back: opening a room again loads its
// lists again, and that must not reset the training form's draft or hide the error of a failed
// start. And the batch room's recent results: thumbnails per result, and bringing a batch into
// the open project.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../../src-main/contract/project';
import type { SegmentJob } from '../../../src-main/contract/segment';
import type { RunConfig, TrainingOptions } from '../../../src-main/contract/training';
import { ApiError } from '../../../src-main/contract/errors';
import { useBatchResultsStore } from '../../../src-renderer/stores/batch-results';
import { useProjectStore } from '../../../src-renderer/stores/project';
import { useRunFormStore } from '../../../src-renderer/stores/run-form';
import { useRunsStore } from '../../../src-renderer/stores/runs';
import { installScriptedApi, type ScriptedApi, type Script } from './fake-api';

let calls: ScriptedApi['calls'];

function install(script: Script): void {
  calls = installScriptedApi(script).calls;
}

const defaults = { model: 'unet', inputSize: 128, epochs: 30, batchSize: 8, stepsPerEpoch: 0, optimizer: 'adam', lr: 0.001 } as unknown as Omit<RunConfig, 'data'>;
const options = (): TrainingOptions => ({ models: ['unet'], defaultModel: 'unet', recipes: { original: {} }, defaults, projectData: {} as TrainingOptions['projectData'] });
const summary: ProjectSummary = {
  dir: '/p/faces',
  name: 'faces',
  imageCount: 1,
  byStatus: { unlabeled: 0, predicted: 0, 'in-progress': 0, done: 1, reviewed: 0 },
  bySplit: { train: 1, val: 0, test: 0, unassigned: 0 },
  currentModel: null,
};

describe('rooms keep their state', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    install({
      'training.options': () => options(),
      'runs.list': () => [],
      'project.summary': () => summary,
      'runs.start': () => {
        throw new ApiError({ code: 'invalid_input', field: 'config.epochs', message: 'config.epochs: must be at least 1' });
      },
    });
  });

  it('the training form keeps its draft when the room loads again; Reset brings the defaults back', async () => {
    const runs = useRunsStore();
    await runs.load();
    const draft = useRunFormStore();
    expect(draft.ready).toBe(true);
    expect(draft.form.epochs).toBe(30);
    draft.form.epochs = 7;
    draft.form.lr = 0.01;
    // Coming back to the room: the options are fetched again (a new object).
    runs.options = null;
    await runs.load();
    expect(useRunFormStore().form).toMatchObject({ epochs: 7, lr: 0.01 });
    draft.reset();
    expect(draft.form).toMatchObject({ epochs: 30, lr: 0.001 });
  });

  it('the error of a failed start is still there after the room loads again', async () => {
    const runs = useRunsStore();
    await runs.load();
    await runs.start({ ...defaults, epochs: 0 } as never);
    expect(runs.error).toMatch(/config\.epochs/);
    await runs.load();
    expect(runs.error).toMatch(/config\.epochs/);
  });
});

describe('batch results store', () => {
  const job = { id: 'job-1', state: 'finished', inDir: '/in', outDir: '/out', segmented: 3, skipped: 0, failed: [], startedAt: '2026-01-01T00:00:00.000Z', seconds: 2 } as unknown as SegmentJob;

  beforeEach(() => {
    setActivePinia(createPinia());
    install({
      'segment.recent': () => [{ job, sampleMasks: ['a.png', 'b.png'] }],
      'segment.resultThumbnail': (input) => {
        if (input.mask === 'b.png') throw new ApiError({ code: 'bad_file', message: 'b.png: unreadable' });
        return { bytes: new Uint8Array([1, 2, 3]), mime: 'image/jpeg' };
      },
      'segment.toProject': () => ({ imported: 3, updated: 0, unchanged: 0, kept: 0, skipped: 0, files: [], seconds: 0.5 }),
      'project.summary': () => summary,
    });
  });

  it('loads the recent batches with a thumbnail per sample mask (null where one cannot be read)', async () => {
    const results = useBatchResultsStore();
    await results.load();
    expect(results.results).toHaveLength(1);
    expect(results.thumbs[results.thumbKey('job-1', 'a.png')]).toMatch(/^blob:/);
    expect(results.thumbs[results.thumbKey('job-1', 'b.png')]).toBeNull();
    expect(calls.filter((c) => c.method === 'segment.resultThumbnail').map((c) => c.input)).toEqual([
      { jobId: 'job-1', mask: 'a.png', size: 120 },
      { jobId: 'job-1', mask: 'b.png', size: 120 },
    ]);
  });

  it('brings a batch into the open project (named, so a switched project refuses) and keeps the report', async () => {
    const project = useProjectStore();
    project.summary = summary;
    const results = useBatchResultsStore();
    await results.bringIntoProject('job-1');
    expect(calls.find((c) => c.method === 'segment.toProject')!.input).toEqual({ jobId: 'job-1', project: '/p/faces' });
    expect(results.reports['job-1']!.imported).toBe(3);
    expect(results.bringing).toBeNull();
  });
});
