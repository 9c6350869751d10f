import { describe, expect, it } from 'vitest';
import { matchShortcut, SHORTCUTS, keyLabel } from '../../../src-renderer/editor/shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('editor shortcuts', () => {
  it('maps tools, classes 1-8, brush size and history keys', () => {
    expect(matchShortcut(key('b'))).toEqual({ kind: 'tool', tool: 'brush' });
    expect(matchShortcut(key('E', { shiftKey: false }))).toEqual({ kind: 'tool', tool: 'eraser' });
    expect(matchShortcut(key('1'))).toEqual({ kind: 'class', cls: 0 });
    expect(matchShortcut(key('8'))).toEqual({ kind: 'class', cls: 7 });
    expect(matchShortcut(key('9'))).toBeNull();
    expect(matchShortcut(key('['))).toEqual({ kind: 'size', dir: -1 });
    expect(matchShortcut(key(']'))).toEqual({ kind: 'size', dir: 1 });
    expect(matchShortcut(key('z', { ctrlKey: true }))).toEqual({ kind: 'undo' });
    expect(matchShortcut(key('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'redo' });
    expect(matchShortcut(key('z', { metaKey: true }))).toEqual({ kind: 'undo' });
    expect(matchShortcut(key('s', { ctrlKey: true }))).toEqual({ kind: 'save' });
    expect(matchShortcut(key('s'))).toBeNull();
    expect(matchShortcut(key('?', { shiftKey: true }))).toEqual({ kind: 'help' });
    expect(matchShortcut(key('K', { shiftKey: true }))).toEqual({ kind: 'specks', all: true });
    expect(matchShortcut(key('b', { altKey: true }))).toBeNull();
  });

  it('has no two shortcuts on the same key combination', () => {
    const combo = (s: (typeof SHORTCUTS)[number], k: string) => `${s.ctrl ? 'C' : ''}${s.shift ? 'S' : ''}${k.toLowerCase()}`;
    const seen = new Set<string>();
    for (const s of SHORTCUTS) {
      if (s.action.kind === 'tool-key') continue;
      for (const k of s.keys) {
        const id = combo(s, k);
        expect(seen.has(id), `${id} twice`).toBe(false);
        seen.add(id);
      }
    }
    // A tool's own keys act only while it is active: unique within the tool, never a global key.
    const perTool = new Set<string>();
    for (const s of SHORTCUTS) {
      if (s.action.kind !== 'tool-key') continue;
      for (const k of s.keys) {
        const id = combo(s, k);
        expect(seen.has(id), `${id} is a global shortcut and a key of ${s.action.tool}`).toBe(false);
        expect(perTool.has(`${s.action.tool}:${id}`), `${id} twice in ${s.action.tool}`).toBe(false);
        perTool.add(`${s.action.tool}:${id}`);
      }
    }
    expect(keyLabel(SHORTCUTS.find((s) => s.action.kind === 'redo')!)).toBe('Ctrl+Shift+Z');
  });
});
