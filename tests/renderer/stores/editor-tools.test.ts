/// <reference path="../../../src-renderer/env.d.ts" />
// The editor store's side of the tools: the active tool, its points in progress, and settings.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useEditorStore } from '../../../src-renderer/stores/editor';
import { polygonTool } from '../../../src-renderer/editor/tools/polygon';
import { installFakeHost, installLocalStorage } from './fake-api';

beforeEach(() => {
  installLocalStorage();
  installFakeHost();
  setActivePinia(createPinia());
});

describe('editor store and tools', () => {
  it('picking a class with the eraser switches to the brush; the tool is remembered', () => {
    const store = useEditorStore();
    store.setTool('eraser');
    expect(store.activeTool.id).toBe('eraser');
    store.setClass(4);
    expect(store.tool).toBe('brush');
    store.setTool('fill');
    setActivePinia(createPinia());
    expect(useEditorStore().tool).toBe('fill');
  });

  it('a saved tool this version does not have falls back to the brush', () => {
    localStorage.setItem('facet.editor.settings', JSON.stringify({ tool: 'lasso', size: 40 }));
    const store = useEditorStore();
    expect(store.tool).toBe('brush');
    expect(store.activeTool.id).toBe('brush');
    expect(store.size).toBe(40);
  });

  it('points in progress end with a tool change, an undo and another image, and a closed polygon commits', async () => {
    const store = useEditorStore();
    await store.open(1);
    store.setTool('polygon');
    const at = (p: { x: number; y: number }) => polygonTool.down(store.toolContext(1)!, p);
    at({ x: 0, y: 0 });
    at({ x: 5, y: 0 });
    expect(store.draft).toHaveLength(2);
    store.setTool('polygon');
    expect(store.draft).toHaveLength(2);
    store.setTool('brush');
    expect(store.draft).toEqual([]);
    store.setTool('polygon');
    at({ x: 0, y: 0 });
    store.undo();
    expect(store.draft).toEqual([]);
    at({ x: 0, y: 0 });
    await store.open(2);
    expect(store.draft).toEqual([]);
    for (const p of [{ x: 0, y: 0 }, { x: 7, y: 0 }, { x: 7, y: 5 }]) at(p);
    expect(store.saveState).toBe('saved');
    polygonTool.doubleClick!(store.toolContext(1)!);
    expect(store.draft).toEqual([]);
    expect(store.canUndo).toBe(true);
    expect(store.saveState).toBe('unsaved');
  });
});
