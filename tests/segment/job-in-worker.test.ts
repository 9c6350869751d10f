// The studio's batch runs segmentFolder in an engine worker of its own, not `facet segment` in a
// child process: with process spawning made to fail, a batch still segments every photo, and the
// job's counts are the batch's own report.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SegmentJob, SegmentProgressEvent } from '../../src-main/contract/segment';
import { startSegmentJob } from '../../src-main/segment/job';
import { readSummary } from '../../src-main/segment/summary';
import { tempDir } from '../helpers/temp';
import { saveModel, tinyModel } from './model-fixture';

const spawned = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  const refuse = (): never => {
    spawned.count++;
    throw new Error('the batch must not start a child process');
  };
  return { ...real, spawn: refuse, fork: refuse, execFile: refuse };
});

describe('a studio batch', () => {
  let root: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-segment-worker-'));
    await mkdir(join(root, 'in'), { recursive: true });
    for (let i = 0; i < 3; i++) {
      await writeFile(join(root, `in/p${i}.png`), await sharp({ create: { width: 40 + i, height: 30, channels: 3, background: { r: 60 * i, g: 90, b: 120 } } }).png().toBuffer());
    }
    const built = await tinyModel(32);
    await saveModel(built, join(root, 'model'));
    built.model.dispose();
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('segments in an engine worker, with progress events and the report as its final counts', async () => {
    const progress: SegmentProgressEvent[] = [];
    const states: SegmentJob[] = [];
    const job = startSegmentJob(
      { inDir: join(root, 'in'), outDir: join(root, 'out'), model: join(root, 'model'), overlay: false, faces: false, faceDetector: 'tiny', force: false },
      { onProgress: (e) => progress.push(e), onJob: (j) => states.push(j) },
    );
    const final = await job.finished;
    expect(final).toMatchObject({ state: 'finished', error: null, total: 3, done: 3, segmented: 3, skipped: 0, failed: [] });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(states.at(-1)).toEqual(final);
    expect((await readSummary(join(root, 'out', 'summary.csv'))).size).toBe(3);
    expect(spawned.count).toBe(0);
  });
});
