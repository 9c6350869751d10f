// The studio's batch API: `segment.start` runs the batch in an engine worker and streams
// progress events; `segment.cancel` stops it cleanly; `segment.browse` lists folders.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src-main/host/context';
import type { EventName, EventPayload } from '../../src-main/contract/index';
import type { SegmentJob } from '../../src-main/contract/segment';
import { handlers } from '../../src-main/host/handlers/index';
import { createRouter } from '../../src-main/host/router';
import { readSummary } from '../../src-main/segment/summary';
import { tempDir } from '../helpers/temp';
import { saveModel, tinyModel } from './model-fixture';

describe('segment API', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let modelDir: string;
  const events: { event: EventName; payload: unknown }[] = [];
  const router = createRouter(handlers);
  const ctx = createContext({ projectDir: null, transport: 'server' }, <E extends EventName>(event: E, payload: EventPayload<E>) => {
    events.push({ event, payload });
  });
  const call = (method: string, input: unknown): Promise<unknown> => router.dispatch(method, input, ctx);

  function jobEnd(id: string): Promise<SegmentJob> {
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        const done = events.find((e) => e.event === 'segment.job' && (e.payload as SegmentJob).id === id && (e.payload as SegmentJob).state !== 'running');
        if (done) {
          clearInterval(timer);
          resolve(done.payload as SegmentJob);
        }
      }, 50);
    });
  }

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('facet-segment-api-'));
    await mkdir(join(root, 'in/sub'), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const image = sharp({ create: { width: 64 + i, height: 48, channels: 3, background: { r: 40 * i, g: 100, b: 200 - 30 * i } } });
      await writeFile(join(root, i < 3 ? `in/p${i}.jpg` : `in/sub/p${i}.png`), await (i < 3 ? image.jpeg() : image.png()).toBuffer());
    }
    await writeFile(join(root, 'in/broken.jpg'), 'not a photo');
    modelDir = await saveModel(await tinyModel(32), join(root, 'model'));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('runs a batch with progress events and a final job state', async () => {
    const job = (await call('segment.start', { inDir: join(root, 'in'), outDir: join(root, 'out'), model: modelDir, overlay: true })) as SegmentJob;
    expect(job.state).toBe('running');
    await expect(call('segment.start', { inDir: join(root, 'in'), outDir: join(root, 'out2'), model: modelDir })).rejects.toMatchObject({ code: 'busy' });
    const final = await jobEnd(job.id);
    expect(final).toMatchObject({ state: 'finished', total: 6, segmented: 5, skipped: 0, done: 6, error: null });
    expect(final.failed.map((f) => f.file)).toEqual(['broken.jpg']);
    const progress = events.filter((e) => e.event === 'segment.progress').map((e) => e.payload as { done: number; total: number; outcome: string; imagesPerSecond: number });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p.total === 6)).toBe(true);
    expect(progress.at(-1)!.imagesPerSecond).toBeGreaterThan(0);
    expect((await readSummary(join(root, 'out/summary.csv'))).size).toBe(6);
    expect(await call('segment.current', {})).toMatchObject({ id: job.id, state: 'finished' });
  });

  it('cancels a running batch; the summary keeps what was done', async () => {
    events.length = 0;
    const job = (await call('segment.start', { inDir: join(root, 'in'), outDir: join(root, 'out-cancel'), model: modelDir })) as SegmentJob;
    const final = (await call('segment.cancel', { id: job.id })) as SegmentJob;
    expect(final.state).toBe('cancelled');
    expect(final.error).toBeNull();
    expect(final.done).toBeLessThan(6);
  });

  it('fails fast with a clear error for a missing model or folder', async () => {
    await expect(call('segment.start', { inDir: join(root, 'in'), outDir: join(root, 'o'), model: join(root, 'none') })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('model.json'),
    });
    await expect(call('segment.start', { inDir: join(root, 'nope'), outDir: join(root, 'o') })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('input folder not found'),
    });
  });

  it('browses folders for the picker', async () => {
    const listing = (await call('segment.browse', { dir: join(root, 'in') })) as { folders: string[]; photos: number; parent: string };
    expect(listing).toMatchObject({ folders: ['sub'], photos: 4, parent: root });
  });
});
