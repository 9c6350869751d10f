/// <reference path="../../../src-renderer/env.d.ts" />
// (The renderer modules under test expect Vite's `import.meta.hot` and `window.facet` types.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { AUTOSAVE_IDLE_MS, useEditorStore } from '../../../src-renderer/stores/editor';
import { fillTool } from '../../../src-renderer/editor/tools/fill';
import { installFakeHost, installLocalStorage, type FakeHost } from './fake-api';

let host: FakeHost;

beforeEach(() => {
  installLocalStorage();
  host = installFakeHost();
  setActivePinia(createPinia());
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const saves = () => host.calls.filter((c) => c.method === 'masks.save');

/** A click with the fill tool, as the canvas makes it. */
function fillAt(store: ReturnType<typeof useEditorStore>, p: { x: number; y: number }): void {
  fillTool.down(store.toolContext(1)!, p);
}

describe('editor store', () => {
  it('autosaves the exact labels after an idle moment, and only then', async () => {
    const store = useEditorStore();
    await store.open(1);
    expect(store.saveState).toBe('saved');
    fillAt(store, { x: 0, y: 0 });
    expect(store.saveState).toBe('unsaved');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_IDLE_MS - 100);
    expect(saves()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(saves()).toHaveLength(1);
    expect(store.saveState).toBe('saved');
    expect(Array.from(host.masks.get(1)!.labels)).toEqual(new Array(48).fill(store.cls));
    expect(host.masks.get(1)!.revision).toBe(1);
  });

  it('saves pending edits before opening another image, with the right base revision', async () => {
    const store = useEditorStore();
    await store.open(1);
    store.setClass(3);
    fillAt(store, { x: 2, y: 2 });
    await store.open(2);
    expect(saves()).toHaveLength(1);
    expect((saves()[0]!.input as { id: number; baseRevision: number }).id).toBe(1);
    expect((saves()[0]!.input as { baseRevision: number }).baseRevision).toBe(0);
    expect(host.masks.get(1)!.labels.every((v) => v === 3)).toBe(true);
    expect(store.item?.id).toBe(2);
    expect(store.canUndo).toBe(false); // history is per image
  });

  it('undo back to the saved state is clean; Ctrl+S-style save clears unsaved', async () => {
    const store = useEditorStore();
    await store.open(1);
    fillAt(store, { x: 0, y: 0 });
    expect(await store.save()).toBe(true);
    store.setClass(2);
    fillAt(store, { x: 0, y: 0 });
    expect(store.dirty).toBe(true);
    store.undo();
    expect(store.dirty).toBe(false);
    store.redo();
    expect(store.dirty).toBe(true);
  });

  it('reports a conflict instead of overwriting, and can save anyway', async () => {
    const store = useEditorStore();
    await store.open(1);
    // Someone else saved revision 1 meanwhile.
    host.masks.set(1, { ...host.masks.get(1)!, revision: 1 });
    fillAt(store, { x: 0, y: 0 });
    expect(await store.save()).toBe(false);
    expect(store.conflict).toBe(true);
    expect(store.saveState).toBe('error');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_IDLE_MS * 3);
    expect(saves()).toHaveLength(1); // no autosave loop over a conflict
    expect(await store.save({ force: true })).toBe(true);
    expect(store.saveState).toBe('saved');
  });

  it('shows a missing model as a readable message and no proposal', async () => {
    const store = useEditorStore();
    await store.open(1);
    await store.predict();
    expect(store.predictError).toContain('no model');
    expect(store.proposal).toBeNull();
  });

  it('asks for no prediction while the next image opens (it would be for the image being left)', async () => {
    const store = useEditorStore();
    await store.open(1);
    const opening = store.open(2);
    expect(store.loading).toBe(true);
    await store.predict();
    await opening;
    expect(host.calls.filter((c) => c.method === 'masks.predict')).toHaveLength(0);
    await store.predict();
    expect(host.calls.filter((c) => c.method === 'masks.predict')).toEqual([{ method: 'masks.predict', input: { id: 2 } }]);
  });

  it('steps through images in order however fast next is pressed', async () => {
    const store = useEditorStore();
    await store.open(1);
    const a = store.go(1);
    const b = store.go(1);
    await Promise.all([a, b]);
    expect(store.item?.id).toBe(3);
    await store.go(1);
    expect(store.item?.id).toBe(3);
    expect(store.notice).toContain('last image');
  });

  it('brush size steps stay within 1..512 and change small and large sizes usefully', () => {
    const store = useEditorStore();
    store.setSize(1);
    store.stepSize(-1);
    expect(store.size).toBe(1);
    store.stepSize(1);
    expect(store.size).toBe(2);
    store.setSize(200);
    store.stepSize(1);
    expect(store.size).toBe(250);
    store.setSize(10_000);
    expect(store.size).toBe(512);
  });
});
