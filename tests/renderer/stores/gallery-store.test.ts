/// <reference path="../../../src-renderer/env.d.ts" />
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { PAGE_SIZE, useGalleryStore } from '../../../src-renderer/stores/gallery';
import { installFakeHost, installLocalStorage, type FakeHost } from './fake-api';

let host: FakeHost;

beforeEach(() => {
  installLocalStorage();
  host = installFakeHost(450, 1, 1);
  setActivePinia(createPinia());
});

const lists = () => host.calls.filter((c) => c.method === 'images.list');

describe('gallery store', () => {
  it('fetches only the pages a visible range needs', async () => {
    const g = useGalleryStore();
    await g.reload();
    expect(g.total).toBe(450);
    expect(lists()).toHaveLength(1);
    g.ensureRange(190, 230);
    g.ensureRange(195, 235); // same page: no second request
    await new Promise((r) => setTimeout(r, 0));
    expect(lists().map((c) => (c.input as { offset: number }).offset)).toEqual([0, PAGE_SIZE]);
    expect(g.itemAt(230)?.id).toBe(231);
    expect(g.itemAt(420)).toBeUndefined();
  });

  it('finds neighbours across pages, loading them as needed', async () => {
    const g = useGalleryStore();
    await g.reload();
    expect((await g.neighbour(200, 1))?.id).toBe(201);
    expect((await g.neighbour(1, -1))).toBeNull();
    // An image on a page not loaded yet is located by loading pages in order.
    expect((await g.neighbour(449, 1))?.id).toBe(450);
    expect(await g.neighbour(450, 1)).toBeNull();
  });

  it('filters by status and starts over when the filter changes', async () => {
    const g = useGalleryStore();
    await g.reload();
    host.items.set(7, { ...host.items.get(7)!, status: 'done' });
    host.items.set(300, { ...host.items.get(300)!, status: 'done' });
    g.status = 'done';
    await nextTick();
    await new Promise((r) => setTimeout(r, 0));
    expect(g.total).toBe(2);
    expect([g.itemAt(0)?.id, g.itemAt(1)?.id]).toEqual([7, 300]);
    expect(lists().at(-1)!.input).toMatchObject({ status: 'done', offset: 0 });
  });

  it('puts an item changed in the editor in place', async () => {
    const g = useGalleryStore();
    await g.reload();
    g.updateItem({ ...host.items.get(3)!, status: 'reviewed' });
    expect(g.itemAt(2)?.status).toBe('reviewed');
  });
});
