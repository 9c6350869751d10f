/// <reference path="../../../src-renderer/env.d.ts" />
// The editor's history: saves of one open carry one editing session (the host coalesces them),
// comparing a revision with the current mask, and reverting as a new revision.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { AUTOSAVE_IDLE_MS, useEditorStore } from '../../../src-renderer/stores/editor';
import { describeRevision } from '../../../src-renderer/stores/editor-history';
import { fillTool } from '../../../src-renderer/editor/tools/fill';
import { installFakeHost, installLocalStorage, type FakeHost } from './fake-api';

let host: FakeHost;

beforeEach(() => {
  installLocalStorage();
  host = installFakeHost(2, 8, 6);
  setActivePinia(createPinia());
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const sessions = () => host.calls.filter((c) => c.method === 'masks.save').map((c) => (c.input as { editSession?: string }).editSession);

function paint(store: ReturnType<typeof useEditorStore>, cls: number, p = { x: 0, y: 0 }): void {
  store.cls = cls;
  fillTool.down(store.toolContext(1)!, p);
}

describe('editor history', () => {
  it('every save of one open carries the same editing session; another open gets a new one', async () => {
    const store = useEditorStore();
    await store.open(1);
    paint(store, 1);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_IDLE_MS + 50);
    paint(store, 2);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_IDLE_MS + 50);
    await store.open(2);
    paint(store, 3);
    await store.save();
    const s = sessions();
    expect(s).toHaveLength(3);
    expect(s[0]).toBeTruthy();
    expect(s[1]).toBe(s[0]);
    expect(s[2]).not.toBe(s[0]);
  });

  it('compares a revision with the current mask and reverts to it as a new revision', async () => {
    const store = useEditorStore();
    await store.open(1);
    paint(store, 4);
    await store.save();
    paint(store, 5);
    await store.save();
    await store.loadHistory();
    expect(store.revisions.map((r) => r.revision)).toEqual([2, 1]);
    await store.view(1);
    expect(store.viewing).toBe(1);
    expect(store.canvasProposal).not.toBeNull();
    // Every one of the 48 pixels is class 4 in r1 and class 5 now.
    expect(store.comparisonSummary).toMatchObject({ changed: 48 });
    expect(store.comparisonSummary!.gained[4]).toBe(48);
    expect(store.comparisonSummary!.lost[5]).toBe(48);
    // An unsaved edit is saved first, so it stays in history, then the revert is revision 4.
    paint(store, 6);
    expect(await store.revert(1)).toBe(true);
    const revert = host.calls.findLast((c) => c.method === 'masks.revert')!;
    expect(revert.input).toMatchObject({ id: 1, revision: 1, baseRevision: 3 });
    expect(store.item?.maskRevision).toBe(4);
    expect([...store.doc!.raster.data].every((v) => v === 4)).toBe(true);
    expect(store.viewing).toBeNull();
    expect(store.canvasProposal).toBeNull();
    expect(store.revisions.map((r) => [r.revision, r.kind])).toEqual([
      [4, 'revert:1'],
      [3, 'human'],
      [2, 'human'],
      [1, 'human'],
    ]);
  });

  it('a stale revert is refused and says so', async () => {
    const store = useEditorStore();
    await store.open(1);
    paint(store, 4);
    await store.save();
    host.masks.set(1, { ...host.masks.get(1)!, revision: 7 });
    expect(await store.revert(1)).toBe(false);
    expect(store.historyError).toMatch(/^Not reverted: /);
  });

  it('names where each revision came from', () => {
    expect(describeRevision({ kind: 'import:celebamask-hq', author: 'import' })).toBe('imported (celebamask-hq)');
    expect(describeRevision({ kind: 'human', author: 'ann' })).toBe('edited by ann');
    expect(describeRevision({ kind: 'model:run-3', author: 'model' })).toBe('model proposal (run-3)');
    expect(describeRevision({ kind: 'revert:2', author: 'bob' })).toBe('bob reverted to r2');
  });
});

describe('training set toggle', () => {
  it('overrides the rule, and toggling back to what the rule says clears the override', async () => {
    host.items.set(1, { ...host.items.get(1)!, split: 'val', status: 'done' });
    const store = useEditorStore();
    await store.open(1);
    await store.toggleTraining();
    expect(store.item).toMatchObject({ inTraining: true, trainingOverride: true });
    await store.toggleTraining();
    expect(store.item).toMatchObject({ inTraining: false, trainingOverride: null });
    const sent = host.calls.filter((c) => c.method === 'images.setTraining').map((c) => (c.input as { inTraining: boolean | null }).inTraining);
    expect(sent).toEqual([true, null]);
  });
});

describe('split from the editor', () => {
  it('changes the image split (locked) in one call and puts the item in place', async () => {
    const store = useEditorStore();
    await store.open(2);
    await store.setSplit('test');
    expect(host.calls.findLast((c) => c.method === 'images.update')!.input).toMatchObject({ ids: [2], split: 'test' });
    expect(store.item).toMatchObject({ split: 'test', splitLocked: true });
  });
});
