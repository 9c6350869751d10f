// Gallery work and mask history through the router: the training-set rule, ids under a filter,
// bulk changes with split locks, delete (rows, revisions and files), overlays, revert, autosave
// coalescing, and writes by another connection turning into project.changed.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, type Session } from '../../../src-main/host/context';
import type { EventName } from '../../../src-main/contract/index';
import type { ImageItem, MaskRevision } from '../../../src-main/contract/project';
import type { BulkResult, DeleteResult, MaskOverlay } from '../../../src-main/contract/gallery';
import { galleryHandlers } from '../../../src-main/host/handlers/gallery';
import { projectHandlers } from '../../../src-main/host/handlers/project';
import { createRouter, type Handlers } from '../../../src-main/host/router';
import { closeAllStores, openStore } from '../../../src-main/dataset/store/store';
import { COALESCE_WINDOW_S } from '../../../src-main/dataset/store/revisions';
import { checkExternalChanges } from '../../../src-main/dataset/store/watch';
import { overlayPixels } from '../../../src-main/dataset/mask-overlay';
import { assignPendingSplits } from '../../../src-main/dataset/import';
import { tempDir } from '../../helpers/temp';
import { bands, makeMaskPng, makePhoto } from '../../dataset/fixtures/make';

let root: string;
let cleanup: () => Promise<void>;
let source: string;
const router = createRouter({ ...projectHandlers, ...galleryHandlers } as Handlers);
const events: { event: EventName; payload: unknown }[] = [];
const session: Session = { projectDir: null, transport: 'server' };
const ctx = createContext(session, (event, payload) => events.push({ event, payload }));
const call = <T>(method: string, input: unknown): Promise<T> => router.dispatch(method, input, ctx) as Promise<T>;
const W = 40;
const H = 30;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('facet-gallery-'));
  source = join(root, 'src');
  for (let i = 0; i < 6; i++) {
    await makePhoto(join(source, 'images', `face${i}.jpg`), W, H);
    await makeMaskPng(join(source, 'masks', `face${i}.png`), bands(W, H, i), W, H);
  }
  await makePhoto(join(source, 'images', 'bare.jpg'), W, H);
});
afterAll(async () => {
  closeAllStores();
  await cleanup();
});
afterEach(() => {
  vi.useRealTimers();
});

let n = 0;
async function freshProject(split: unknown = { ratios: [1, 1, 1], seed: 3 }): Promise<string> {
  const dir = join(root, `p${n++}`);
  await call('project.open', { dir, create: true });
  await call('project.import', { source, preset: 'labels8', split });
  return dir;
}
async function items(): Promise<ImageItem[]> {
  return (await call<{ items: ImageItem[] }>('images.list', {})).items;
}
const byName = async (name: string): Promise<ImageItem> => (await items()).find((i) => i.name === name)!;

describe('the training set rule', () => {
  it('an image is in the training set when its split is train and it is done or reviewed', async () => {
    await freshProject();
    const all = await items();
    expect(new Set(all.map((i) => i.split))).toEqual(new Set(['train', 'val', 'test']));
    for (const it of all) expect(it.inTraining).toBe(it.split === 'train' && (it.status === 'done' || it.status === 'reviewed'));
    const bare = all.find((i) => i.name === 'bare')!;
    expect(bare).toMatchObject({ status: 'unlabeled', inTraining: false, trainingOverride: null });
  });

  it('follows status and split changes, and an override wins until cleared', async () => {
    const bare = await byName('bare');
    await call('images.update', { ids: [bare.id], split: 'train' });
    expect(await call<ImageItem>('images.setStatus', { id: bare.id, status: 'done' })).toMatchObject({ inTraining: true, split: 'train', splitLocked: true });
    expect(await call<ImageItem>('images.setTraining', { id: bare.id, inTraining: false })).toMatchObject({ inTraining: false, trainingOverride: false });
    expect(await call<ImageItem>('images.setStatus', { id: bare.id, status: 'reviewed' })).toMatchObject({ inTraining: false });
    expect(await call<ImageItem>('images.setTraining', { id: bare.id, inTraining: null })).toMatchObject({ inTraining: true, trainingOverride: null });
    const val = (await items()).find((i) => i.split === 'val')!;
    expect(await call<ImageItem>('images.setTraining', { id: val.id, inTraining: true })).toMatchObject({ inTraining: true, trainingOverride: true });
  });
});

describe('bulk changes', () => {
  it('selects every id under a filter, in gallery order', async () => {
    await freshProject();
    const all = await items();
    expect(await call<number[]>('images.ids', {})).toEqual(all.map((i) => i.id));
    expect(await call<number[]>('images.ids', { search: 'face', status: 'done' })).toEqual(all.filter((i) => i.name.startsWith('face')).map((i) => i.id));
    expect(await call<number[]>('images.ids', { status: 'unlabeled' })).toEqual([all[0]!.id]);
  });

  it('changes status, split and training of many images in one call, with one change event', async () => {
    const ids = (await items()).slice(1, 5).map((i) => i.id);
    events.length = 0;
    const res = await call<BulkResult>('images.update', { ids: [...ids, 999], status: 'reviewed', split: 'val' });
    expect(res.updated).toBe(4);
    expect(res.items.every((i) => i.status === 'reviewed' && i.split === 'val' && i.splitLocked && !i.inTraining)).toBe(true);
    expect(events).toEqual([{ event: 'project.changed', payload: { dir: session.projectDir, imageIds: ids } }]);
    const trained = await call<BulkResult>('images.update', { ids, inTraining: true });
    expect(trained.items.map((i) => i.inTraining)).toEqual([true, true, true, true]);
    const unlocked = await call<BulkResult>('images.update', { ids: ids.slice(0, 1), splitLocked: false });
    expect(unlocked.items[0]).toMatchObject({ split: 'val', splitLocked: false });
    await expect(call('images.update', { ids })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('nothing to change') });
    await expect(call('images.update', { ids: [], status: 'done' })).rejects.toMatchObject({ code: 'invalid_input', field: 'ids' });
    await expect(call('images.update', { ids, split: 'holdout' })).rejects.toMatchObject({ code: 'invalid_input', field: 'split' });
  });

  it('a locked split is never moved by automatic assignment; an unlocked unassigned one is', async () => {
    await freshProject('none');
    const [a, b] = await items();
    await call('images.update', { ids: [a!.id], split: 'unassigned' });
    expect(assignPendingSplits(openStore(session.projectDir!), { ratios: { train: 1, val: 0, test: 0 }, seed: 0 })).toBe(6);
    const after = await items();
    expect(after.find((i) => i.id === a!.id)).toMatchObject({ split: 'unassigned', splitLocked: true });
    expect(after.find((i) => i.id === b!.id)).toMatchObject({ split: 'train', splitLocked: false });
  });
});

describe('delete', () => {
  it('removes the rows, every revision and the files; the summary follows', async () => {
    const dir = await freshProject();
    const target = await byName('face1');
    await call('masks.save', { id: target.id, width: W, height: H, labels: bands(W, H, 9), baseRevision: 1 });
    await call('images.thumbnail', { id: target.id, size: 32 });
    expect(readdirSync(join(dir, 'masks', String(target.id)))).toHaveLength(2);
    expect(existsSync(join(dir, 'thumbs', `${target.id}-32.jpg`))).toBe(true);
    events.length = 0;
    const res = await call<DeleteResult>('images.delete', { ids: [target.id, 999] });
    expect(res).toEqual({ deleted: 1, revisions: 2 });
    expect(events).toEqual([{ event: 'project.changed', payload: { dir, imageIds: null } }]);
    expect(existsSync(join(dir, 'masks', String(target.id)))).toBe(false);
    expect(existsSync(join(dir, 'images', 'face1.jpg'))).toBe(false);
    expect(existsSync(join(dir, 'thumbs', `${target.id}-32.jpg`))).toBe(false);
    expect(readdirSync(join(dir, 'thumbs')).length).toBeGreaterThan(0);
    const db = new Database(join(dir, 'facet.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM mask_revisions WHERE image_id = ?').get(target.id)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    expect((await call<{ imageCount: number }>('project.summary', {})).imageCount).toBe(6);
    await expect(call('masks.get', { id: target.id })).rejects.toMatchObject({ code: 'not_found' });
    // The name is free again: the same photo imports as a new image.
    const again = await call<{ imported: number }>('project.import', { source, preset: 'labels8' });
    expect(again.imported).toBe(1);
  });
});

describe('delete of linked images', () => {
  it('removes the rows and the project\'s files, never the linked photo where it lives', async () => {
    const dir = join(root, `p${n++}`);
    await call('project.open', { dir, create: true });
    await call('project.import', { source, preset: 'labels8', mode: 'link' });
    const face = await byName('face5');
    expect(existsSync(join(dir, 'masks', String(face.id)))).toBe(true);
    expect(await call<DeleteResult>('images.delete', { ids: [face.id] })).toEqual({ deleted: 1, revisions: 1 });
    expect(existsSync(join(dir, 'masks', String(face.id)))).toBe(false);
    expect(existsSync(join(source, 'images', 'face5.jpg'))).toBe(true);
  });
});

describe('overlays, revert and coalescing', () => {
  it('serves a mask overlay with class shares from the full mask', async () => {
    await freshProject();
    const face = await byName('face2');
    const o = await call<MaskOverlay>('masks.overlay', { id: face.id, size: 32 });
    const labels = bands(W, H, 2);
    const expected = Array.from({ length: 8 }, (_, c) => labels.filter((v) => v === c).length / labels.length);
    expect(o.shares).toEqual(expected);
    expect(o.revision).toBe(1);
    const meta = await sharp(o.bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 32, 24, 4]);
    // Asked for more than the mask's size, the overlay is the mask itself, pixel for pixel.
    const full = await call<MaskOverlay>('masks.overlay', { id: face.id, size: 64 });
    const decoded = await sharp(full.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height, decoded.info.channels]).toEqual([W, H, 4]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(overlayPixels(labels)))).toBe(true);
    const bare = await byName('bare');
    expect((await call<MaskOverlay>('masks.overlay', { id: bare.id })).shares).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('reverts to an earlier revision as a new one, and refuses a stale base', async () => {
    const face = await byName('face3');
    await call('masks.save', { id: face.id, width: W, height: H, labels: bands(W, H, 8), baseRevision: 1, author: 'ann' });
    const res = await call<{ item: ImageItem; revision: number }>('masks.revert', { id: face.id, revision: 1, baseRevision: 2, author: 'bob' });
    expect(res.revision).toBe(3);
    const got = await call<{ labels: Uint8Array; revision: number }>('masks.get', { id: face.id });
    expect(Buffer.from(got.labels).equals(Buffer.from(bands(W, H, 3)))).toBe(true);
    const history = await call<MaskRevision[]>('masks.revisions', { id: face.id });
    expect(history.map((r) => [r.revision, r.kind, r.author])).toEqual([
      [1, 'import:labels8', 'import'],
      [2, 'human', 'ann'],
      [3, 'revert:1', 'bob'],
    ]);
    await expect(call('masks.revert', { id: face.id, revision: 1, baseRevision: 2 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(call('masks.revert', { id: face.id, revision: 9 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('saves of one editing session within the window are one revision; the replaced file goes', async () => {
    const dir = session.projectDir!;
    const face = await byName('face4');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T10:00:00Z'));
    const save = (seed: number, base: number, editSession: string | undefined) =>
      call<{ revision: number }>('masks.save', { id: face.id, width: W, height: H, labels: bands(W, H, seed), baseRevision: base, ...(editSession ? { editSession } : {}) });
    expect((await save(10, 1, 's1')).revision).toBe(2);
    vi.setSystemTime(new Date(Date.now() + 5_000));
    expect((await save(11, 2, 's1')).revision).toBe(2);
    vi.setSystemTime(new Date(Date.now() + (COALESCE_WINDOW_S - 1) * 1000));
    expect((await save(12, 2, 's1')).revision).toBe(2);
    // Exactly two files: the import's and the burst's latest.
    expect(readdirSync(join(dir, 'masks', String(face.id))).length).toBe(2);
    expect(Buffer.from((await call<{ labels: Uint8Array }>('masks.get', { id: face.id })).labels).equals(Buffer.from(bands(W, H, 12)))).toBe(true);
    const history = await call<MaskRevision[]>('masks.revisions', { id: face.id });
    expect(history[1]).toMatchObject({ revision: 2, createdAt: '2026-01-01T10:00:00.000Z', savedAt: new Date(Date.now()).toISOString() });
    // Another session, no session, or a pause longer than the window: new revisions.
    expect((await save(13, 2, 's2')).revision).toBe(3);
    expect((await save(14, 3, undefined)).revision).toBe(4);
    expect((await save(15, 4, 's3')).revision).toBe(5);
    vi.setSystemTime(new Date(Date.now() + COALESCE_WINDOW_S * 1000));
    expect((await save(16, 5, 's3')).revision).toBe(6);
    // Never over a revision someone else made: a revert ends the burst.
    await call('masks.revert', { id: face.id, revision: 1, baseRevision: 6 });
    expect((await save(17, 7, 's3')).revision).toBe(8);
    expect(readdirSync(join(dir, 'masks', String(face.id))).length).toBe(8);
  });
});

describe('writes by another process', () => {
  it('become one project.changed for the open project; this connection\'s own writes do not', async () => {
    const dir = await freshProject();
    expect(checkExternalChanges(dir)).toBe(false);
    await call('images.setStatus', { id: (await items())[0]!.id, status: 'done' });
    expect(checkExternalChanges(dir)).toBe(false);
    events.length = 0;
    const other = new Database(join(dir, 'facet.db'));
    try {
      other.prepare("UPDATE images SET status = 'reviewed' WHERE name = 'face0'").run();
    } finally {
      other.close();
    }
    expect(checkExternalChanges(dir)).toBe(true);
    expect(events).toEqual([{ event: 'project.changed', payload: { dir, imageIds: null } }]);
    expect(checkExternalChanges(dir)).toBe(false);
    expect((await byName('face0')).status).toBe('reviewed');
  });
});
