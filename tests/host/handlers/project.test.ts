import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type Session } from '../../../src-main/host/context';
import type { EventName } from '../../../src-main/contract/index';
import type { ImageItem } from '../../../src-main/contract/project';
import { ApiError } from '../../../src-main/contract/errors';
import { projectHandlers } from '../../../src-main/host/handlers/project';
import { createRouter, type Handlers } from '../../../src-main/host/router';
import { closeAllStores } from '../../../src-main/dataset/store/store';
import { tempDir } from '../../helpers/temp';
import { bands, makeMaskPng, makePhoto } from '../../dataset/fixtures/make';
import sharp from 'sharp';

let root: string;
let cleanup: () => Promise<void>;
let source: string;
// Only this domain's handlers: the router dispatches by name, so the others are not needed here.
const router = createRouter(projectHandlers as Handlers);
const events: { event: EventName; payload: unknown }[] = [];
const session: Session = { projectDir: null, transport: 'server' };
const ctx = createContext(session, (event, payload) => events.push({ event, payload }));
const call = <T>(method: string, input: unknown): Promise<T> => router.dispatch(method, input, ctx) as Promise<T>;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-handlers-'));
  source = join(root, 'src');
  for (let i = 0; i < 3; i++) {
    await makePhoto(join(source, 'images', `face${i}.jpg`), 40, 30);
    await makeMaskPng(join(source, 'masks', `face${i}.png`), bands(40, 30, i), 40, 30);
  }
  await makePhoto(join(source, 'images', 'bare.jpg'), 40, 30);
});
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

describe('project handlers', () => {
  it('fails without a project, and open without create refuses a missing one', async () => {
    await expect(call('project.summary', {})).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('no project is open') });
    await expect(call('project.open', { dir: join(root, 'missing') })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('opens (creating) a project and makes it the session project', async () => {
    const summary = await call<{ dir: string; imageCount: number; name: string }>('project.open', { dir: join(root, 'p'), create: true });
    expect(summary).toMatchObject({ dir: join(root, 'p'), name: 'p', imageCount: 0, currentModel: null });
    expect(session.projectDir).toBe(join(root, 'p'));
  });

  it('imports with progress and change events, and reports per file', async () => {
    events.length = 0;
    const report = await call<{ imported: number; files: unknown[] }>('project.import', { source, preset: 'labels8' });
    expect(report.imported).toBe(4);
    const progress = events.filter((e) => e.event === 'import.progress');
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)!.payload).toMatchObject({ done: 4, total: 4 });
    expect(events.at(-1)).toEqual({ event: 'project.changed', payload: { dir: join(root, 'p'), imageIds: null } });
    const summary = await call<{ imageCount: number; byStatus: Record<string, number> }>('project.summary', {});
    expect(summary.imageCount).toBe(4);
    expect(summary.byStatus).toMatchObject({ done: 3, unlabeled: 1 });
    await expect(call('project.import', { source, preset: 'nope' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('unknown preset "nope"') });
  });

  it('takes split options: none leaves new images unassigned, ratios and seed are checked', async () => {
    await call('project.open', { dir: join(root, 'p-split'), create: true });
    await call('project.import', { source, preset: 'labels8', split: 'none' });
    expect((await call<{ bySplit: Record<string, number> }>('project.summary', {})).bySplit.unassigned).toBe(4);
    await expect(call('project.import', { source, preset: 'labels8', split: { ratios: [0, 0, 0] } })).rejects.toMatchObject({ code: 'invalid_input', field: 'split.ratios' });
    await call('project.open', { dir: join(root, 'p-split2'), create: true });
    await call('project.import', { source, preset: 'labels8', split: { ratios: [0, 1, 0], seed: 5 } });
    expect((await call<{ bySplit: Record<string, number> }>('project.summary', {})).bySplit).toMatchObject({ val: 4, train: 0, test: 0 });
    await call('project.open', { dir: join(root, 'p') });
  });

  it('keeps a saved edit on re-import unless overwriteEdits', async () => {
    await call('project.open', { dir: join(root, 'p-edits'), create: true });
    await call('project.import', { source, preset: 'labels8' });
    const id = (await call<{ items: ImageItem[] }>('images.list', { search: 'face0' })).items[0]!.id;
    await call('masks.save', { id, width: 40, height: 30, labels: bands(40, 30, 9), baseRevision: 1 });
    const again = await call<{ kept: number; unchanged: number; files: { outcome: string }[] }>('project.import', { source, preset: 'labels8' });
    expect([again.kept, again.unchanged, again.files.length]).toEqual([1, 3, 4]);
    const forced = await call<{ updated: number; kept: number }>('project.import', { source, preset: 'labels8', overwriteEdits: true });
    expect([forced.updated, forced.kept]).toEqual([1, 0]);
    await call('project.open', { dir: join(root, 'p') });
  });

  it('lists with filters, search and paging', async () => {
    const all = await call<{ total: number; items: ImageItem[] }>('images.list', {});
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.name)).toEqual(['bare', 'face0', 'face1', 'face2']);
    expect((await call<{ total: number }>('images.list', { status: 'unlabeled' })).total).toBe(1);
    expect((await call<{ items: ImageItem[] }>('images.list', { search: 'face', offset: 1, limit: 1 })).items.map((i) => i.name)).toEqual(['face1']);
    expect((await call<{ total: number }>('images.list', { search: '%' })).total).toBe(0);
    const train = await call<{ total: number }>('images.list', { split: 'train' });
    const val = await call<{ total: number }>('images.list', { split: 'val' });
    const test = await call<{ total: number }>('images.list', { split: 'test' });
    expect(train.total + val.total + test.total).toBe(4);
  });

  it('serves the photo and a cached thumbnail', async () => {
    const { items } = await call<{ items: ImageItem[] }>('images.list', { search: 'face0' });
    const id = items[0]!.id;
    const got = await call<{ item: ImageItem; bytes: Uint8Array; mime: string }>('images.get', { id });
    expect(got.mime).toBe('image/jpeg');
    expect(got.item).toMatchObject({ name: 'face0', width: 40, height: 30, maskRevision: 1, status: 'done' });
    // The training-set rule: split train and done or reviewed.
    expect(got.item.inTraining).toBe(got.item.split === 'train');
    const thumb = await call<{ bytes: Uint8Array; mime: string }>('images.thumbnail', { id, size: 32 });
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 32, 24]);
    await expect(call('images.get', { id: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('sets status and training membership with change events', async () => {
    const { items } = await call<{ items: ImageItem[] }>('images.list', { search: 'face1' });
    const id = items[0]!.id;
    events.length = 0;
    expect(await call<ImageItem>('images.setStatus', { id, status: 'reviewed' })).toMatchObject({ status: 'reviewed' });
    expect(await call<ImageItem>('images.setTraining', { id, inTraining: false })).toMatchObject({ inTraining: false });
    expect(events.map((e) => e.payload)).toEqual([
      { dir: join(root, 'p'), imageIds: [id] },
      { dir: join(root, 'p'), imageIds: [id] },
    ]);
    await expect(call('images.setStatus', { id, status: 'finished' })).rejects.toMatchObject({ code: 'invalid_input', field: 'status' });
  });

  it('saves masks as revisions, serves earlier ones, and reports conflicts', async () => {
    const { items } = await call<{ items: ImageItem[] }>('images.list', { search: 'face2' });
    const id = items[0]!.id;
    const first = await call<{ labels: Uint8Array; revision: number; width: number }>('masks.get', { id });
    expect(first.revision).toBe(1);
    expect(Buffer.from(first.labels).equals(Buffer.from(bands(40, 30, 2)))).toBe(true);
    const edit = bands(40, 30, 4);
    const saved = await call<{ item: ImageItem; revision: number }>('masks.save', { id, width: 40, height: 30, labels: edit, baseRevision: 1, author: 'ann' });
    expect(saved.revision).toBe(2);
    expect(saved.item.maskRevision).toBe(2);
    expect(Buffer.from((await call<{ labels: Uint8Array }>('masks.get', { id })).labels).equals(Buffer.from(edit))).toBe(true);
    expect(Buffer.from((await call<{ labels: Uint8Array }>('masks.get', { id, revision: 1 })).labels).equals(Buffer.from(first.labels))).toBe(true);
    const stale = call('masks.save', { id, width: 40, height: 30, labels: edit, baseRevision: 1 });
    await expect(stale).rejects.toBeInstanceOf(ApiError);
    await expect(stale).rejects.toMatchObject({ code: 'conflict' });
    await expect(call('masks.save', { id, width: 30, height: 40, labels: edit })).rejects.toMatchObject({ code: 'invalid_input', message: 'mask is 30x40 but image face2 is 40x30' });
    const revisions = await call<{ revision: number; author: string; kind: string }[]>('masks.revisions', { id });
    expect(revisions.map((r) => [r.revision, r.author, r.kind])).toEqual([
      [1, 'import', 'import:labels8'],
      [2, 'ann', 'human'],
    ]);
  });

  it('gives an image without a mask an all-background mask at revision 0', async () => {
    const { items } = await call<{ items: ImageItem[] }>('images.list', { search: 'bare' });
    const mask = await call<{ labels: Uint8Array; revision: number; width: number; height: number }>('masks.get', { id: items[0]!.id });
    expect([mask.revision, mask.width, mask.height, mask.labels.length]).toEqual([0, 40, 30, 1200]);
    expect(mask.labels.every((v) => v === 0)).toBe(true);
    const saved = await call<{ item: ImageItem }>('masks.save', { id: items[0]!.id, width: 40, height: 30, labels: bands(40, 30, 1), baseRevision: 0 });
    expect(saved.item).toMatchObject({ status: 'in-progress', maskRevision: 1 });
  });
});

describe('project handlers over the loopback server', () => {
  it('carries mask bytes both ways and broadcasts project.changed', async () => {
    const { startLoopbackServer } = await import('../../../src-main/host/transports/server');
    const { decodeWire, encodeWire } = await import('../../../src-main/contract/wire');
    const { default: WebSocket } = await import('ws');
    const server = await startLoopbackServer({ router, session: { projectDir: join(root, 'p'), transport: 'server' }, staticDir: null });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const messages: { type: string; id?: number; ok?: boolean; result?: unknown; event?: string; error?: unknown }[] = [];
      ws.on('message', (d: Buffer) => messages.push(decodeWire(d.toString()) as (typeof messages)[number]));
      let nextId = 0;
      const remote = async <T>(method: string, input: unknown): Promise<T> => {
        const id = ++nextId;
        ws.send(encodeWire({ type: 'call', id, method, input }));
        for (;;) {
          const reply = messages.find((m) => m.type === 'result' && m.id === id);
          if (reply) {
            if (!reply.ok) throw Object.assign(new Error('call failed'), reply.error);
            return reply.result as T;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      const { items } = await remote<{ items: ImageItem[] }>('images.list', { search: 'face0' });
      const id = items[0]!.id;
      const mask = await remote<{ labels: Uint8Array; revision: number }>('masks.get', { id });
      expect(mask.labels).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(mask.labels).equals(Buffer.from(bands(40, 30, 0)))).toBe(true);
      const edit = bands(40, 30, 6);
      const saved = await remote<{ revision: number }>('masks.save', { id, width: 40, height: 30, labels: edit, baseRevision: mask.revision });
      expect(saved.revision).toBe(mask.revision + 1);
      expect(Buffer.from((await remote<{ labels: Uint8Array }>('masks.get', { id })).labels).equals(Buffer.from(edit))).toBe(true);
      expect(messages.some((m) => m.type === 'event' && m.event === 'project.changed')).toBe(true);
      await expect(remote('masks.save', { id, width: 40, height: 30, labels: edit, baseRevision: mask.revision })).rejects.toMatchObject({ code: 'conflict' });
      ws.close();
    } finally {
      await server.close();
    }
  });
});
