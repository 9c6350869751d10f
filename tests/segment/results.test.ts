// A batch's results in the studio: the recent batches with a few masks each, a result's overlay
// thumbnail (read only from that batch's own folders), and bringing the batch into a project as
// model-made masks to review, without replacing a mask a person made.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../src-main/contract/index';
import type { ImageItem, ImportReport, MaskRevision } from '../../src-main/contract/project';
import type { BatchResult, SegmentJob } from '../../src-main/contract/segment';
import { createContext } from '../../src-main/host/context';
import { handlers } from '../../src-main/host/handlers/index';
import { createRouter } from '../../src-main/host/router';
import { tempDir } from '../helpers/temp';
import { saveModel, tinyModel } from './model-fixture';

describe('batch results', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let job: SegmentJob;
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
    ({ dir: root, cleanup } = await tempDir('facet-batch-results-'));
    await mkdir(join(root, 'in/sub'), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const image = sharp({ create: { width: 40 + i, height: 32, channels: 3, background: { r: 40 * i, g: 100, b: 200 - 30 * i } } });
      await writeFile(join(root, i < 3 ? `in/p${i}.jpg` : `in/sub/p${i}.png`), await (i < 3 ? image.jpeg() : image.png()).toBuffer());
    }
    // The same name in two folders cannot be two images of one project.
    await writeFile(join(root, 'in/sub/p0.png'), await sharp({ create: { width: 30, height: 30, channels: 3, background: '#808080' } }).png().toBuffer());
    const modelDir = await saveModel(await tinyModel(32), join(root, 'model'));
    const started = (await call('segment.start', { inDir: join(root, 'in'), outDir: join(root, 'out'), model: modelDir })) as SegmentJob;
    job = await jobEnd(started.id);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('lists the ended batch with a few of its masks', async () => {
    expect(job.state).toBe('finished');
    const recent = (await call('segment.recent', {})) as BatchResult[];
    expect(recent[0]!.job.id).toBe(job.id);
    expect(recent[0]!.sampleMasks).toHaveLength(4);
    expect(recent[0]!.sampleMasks.every((m) => m.endsWith('.png'))).toBe(true);
  });

  it('serves a result as a small overlay JPEG, and only from that batch\'s folders', async () => {
    const [mask] = ((await call('segment.recent', {})) as BatchResult[])[0]!.sampleMasks;
    const thumb = (await call('segment.resultThumbnail', { jobId: job.id, mask, size: 32 })) as { bytes: Uint8Array; mime: string };
    expect(thumb.mime).toBe('image/jpeg');
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(32);
    await expect(call('segment.resultThumbnail', { jobId: job.id, mask: '../in/p1.jpg' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not inside') });
    await expect(call('segment.resultThumbnail', { jobId: job.id, mask: join(root, 'in/p1.jpg') })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call('segment.resultThumbnail', { jobId: job.id, mask: 'summary.csv' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('segment.resultThumbnail', { jobId: '00000000-0000-0000-0000-000000000000', mask })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('brings the batch into the open project as predicted images with model-made masks; a person\'s mask stays', async () => {
    await call('project.open', { dir: join(root, 'project'), create: true });
    const report = (await call('segment.toProject', { jobId: job.id })) as ImportReport;
    expect(report.imported).toBe(4);
    const skipped = report.files.filter((f) => f.outcome === 'skipped');
    expect(skipped.map((f) => f.reason).join('\n')).toMatch(/duplicate name/);
    const list = (await call('images.list', { limit: 100 })) as { items: ImageItem[] };
    expect(list.items.map((i) => i.name).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(list.items.every((i) => i.status === 'predicted' && !i.inTraining)).toBe(true);
    const p1 = list.items.find((i) => i.name === 'p1')!;
    const revisions = (await call('masks.revisions', { id: p1.id })) as MaskRevision[];
    expect(revisions.map((r) => [r.author, r.kind])).toEqual([['model', 'import:segment']]);

    // A person fixes p1; bringing the batch in again keeps the fix (and changes nothing else).
    const labels = new Uint8Array(p1.width * p1.height).fill(1);
    await call('masks.save', { id: p1.id, width: p1.width, height: p1.height, labels, baseRevision: 1, author: 'annotator' });
    const again = (await call('segment.toProject', { jobId: job.id })) as ImportReport;
    const kept = again.files.find((f) => f.file.endsWith('p1.jpg'))!;
    expect(kept.outcome).toBe('kept');
    expect(kept.reason).toMatch(/not made by a model/);
    expect(again.imported).toBe(0);
    const after = (await call('masks.revisions', { id: p1.id })) as MaskRevision[];
    expect(after.map((r) => [r.revision, r.author])).toEqual(expect.arrayContaining([[1, 'model'], [2, 'annotator']]));
    expect(after).toHaveLength(2);
    const current = (await call('images.get', { id: p1.id })) as { item: ImageItem };
    expect(current.item.maskRevision).toBe(2);
  });
});
