/// <reference path="../../../src-renderer/env.d.ts" />
// The gallery's multi-selection, bulk actions, the search as you type, and refreshing in place
// when the project changes underneath it (an import by another process).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { SEARCH_DEBOUNCE_MS, useGalleryStore } from '../../../src-renderer/stores/gallery';
import { useProjectStore } from '../../../src-renderer/stores/project';
import { installFakeHost, installLocalStorage, type FakeHost } from './fake-api';

let host: FakeHost;

beforeEach(() => {
  installLocalStorage();
  host = installFakeHost(450, 1, 1);
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
});

const lists = () => host.calls.filter((c) => c.method === 'images.list');
const settle = () => new Promise((r) => setTimeout(r, 0));
const ids = (g: ReturnType<typeof useGalleryStore>) => [...g.selected].sort((a, b) => a - b);

describe('gallery selection', () => {
  it('click selects one, ctrl-click toggles, shift-click takes the range from the anchor, across pages', async () => {
    const g = useGalleryStore();
    await g.reload();
    await g.click(2);
    expect(ids(g)).toEqual([3]);
    await g.click(5, { toggle: true });
    expect(ids(g)).toEqual([3, 6]);
    await g.click(2, { toggle: true });
    expect(ids(g)).toEqual([6]);
    // The anchor is the last plain or ctrl click (index 2); the range reaches a page not loaded yet.
    await g.click(205, { range: true });
    expect(ids(g)).toEqual(Array.from({ length: 204 }, (_, k) => k + 3));
    await g.click(0, { range: true, toggle: true });
    expect(g.count).toBe(206);
    g.clear();
    expect(g.count).toBe(0);
  });

  it('select all takes every image under the filter, also on pages not loaded', async () => {
    const g = useGalleryStore();
    await g.reload();
    await g.selectAll();
    expect(g.count).toBe(450);
    expect(host.calls.at(-1)).toMatchObject({ method: 'images.ids', input: {} });
    host.items.set(9, { ...host.items.get(9)!, status: 'done' });
    g.status = 'done';
    await nextTick();
    // A filter change clears the selection: a bulk action never reaches images out of sight.
    expect(g.count).toBe(0);
    await settle();
    await g.selectAll();
    expect(ids(g)).toEqual([9]);
  });

  it('bulk changes go in one call and land in the loaded pages', async () => {
    const g = useGalleryStore();
    await g.reload();
    await g.click(0);
    await g.click(1, { toggle: true });
    await g.update({ status: 'done', split: 'train' });
    const call = host.calls.findLast((c) => c.method === 'images.update')!;
    expect(call.input).toMatchObject({ ids: [1, 2], status: 'done', split: 'train' });
    expect([g.itemAt(0), g.itemAt(1)].map((i) => [i?.status, i?.inTraining, i?.splitLocked])).toEqual([
      ['done', true, true],
      ['done', true, true],
    ]);
    expect(g.bulkNotice).toBe('2 images changed.');
    await g.update({ inTraining: false });
    expect(g.itemAt(0)).toMatchObject({ inTraining: false, trainingOverride: false });
  });

  it('delete removes the selected images, says how much went, and clears the selection', async () => {
    const g = useGalleryStore();
    await g.reload();
    host.history.get(1)!.push({ labels: new Uint8Array(1), kind: 'human', author: 'a' });
    await g.click(0);
    await g.remove();
    expect(host.items.has(1)).toBe(false);
    expect(g.count).toBe(0);
    expect(g.bulkNotice).toBe('1 image and 1 mask revision deleted.');
  });
});

describe('gallery search and changes underneath', () => {
  it('search applies as you type after a pause, and at once on Enter', async () => {
    vi.useFakeTimers();
    const g = useGalleryStore();
    await g.reload();
    const before = lists().length;
    g.search = 'img-4';
    await nextTick();
    g.search = 'img-44';
    await nextTick();
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 10);
    expect(lists()).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(20);
    expect(lists()).toHaveLength(before + 1);
    expect(lists().at(-1)!.input).toMatchObject({ search: 'img-44', offset: 0 });
    expect(g.total).toBe(11);
    g.search = 'img-449';
    g.applySearch();
    await vi.advanceTimersByTimeAsync(0);
    expect(lists().at(-1)!.input).toMatchObject({ search: 'img-449' });
    expect(g.total).toBe(1);
  });

  it('an import elsewhere (project.changed, any image) refreshes the pages in place without emptying them', async () => {
    for (const id of [...host.items.keys()]) host.items.delete(id);
    const g = useGalleryStore();
    const project = useProjectStore();
    await project.load();
    await g.reload();
    expect([g.loaded, g.total]).toEqual([true, 0]);
    // Another process imports 3 images; the host notices and announces it.
    for (const id of [1, 2, 3]) host.items.set(id, { id, name: `new-${id}`, width: 1, height: 1, status: 'done', split: 'train', splitLocked: false, source: 'x', maskRevision: 1, inTraining: true, trainingOverride: null, updatedAt: '' });
    host.emit('project.changed', { dir: '/p', imageIds: null });
    await nextTick();
    // Until the answer comes, what was shown stays (no flash of an empty grid).
    await settle();
    expect(g.total).toBe(3);
    expect(g.itemAt(2)?.name).toBe('new-3');
  });

  it('keeps the shown pages while a refresh is under way', async () => {
    const g = useGalleryStore();
    const project = useProjectStore();
    await project.load();
    await g.reload();
    g.ensureRange(200, 260);
    await settle();
    host.emit('project.changed', { dir: '/p', imageIds: null });
    await nextTick();
    expect([g.itemAt(0)?.id, g.itemAt(250)?.id]).toEqual([1, 251]);
    await settle();
    const refetched = lists().slice(-2).map((c) => (c.input as { offset: number }).offset).sort((a, b) => a - b);
    expect(refetched).toEqual([0, 200]);
  });
});
