import { describe, expect, it } from 'vitest';
import { TOOLS, isToolId, toolById } from '../../../../src-renderer/editor/tools/index';
import { SHORTCUTS } from '../../../../src-renderer/editor/shortcuts';

describe('tool index', () => {
  it('lists each tool once, selected by its own letter', () => {
    expect(TOOLS.slice(0, 4).map((t) => t.id)).toEqual(['brush', 'eraser', 'polygon', 'fill']);
    expect(new Set(TOOLS.map((t) => t.id)).size).toBe(TOOLS.length);
    expect(new Set(TOOLS.map((t) => t.shortcut)).size).toBe(TOOLS.length);
    for (const t of TOOLS) {
      expect(t.shortcut, t.id).toMatch(/^[a-z]$/);
      expect(toolById(t.id)).toBe(t);
      expect(isToolId(t.id)).toBe(true);
    }
    expect(isToolId('no-such-tool')).toBe(false);
  });

  it('draws every icon as SVG paths, never as a font glyph', () => {
    for (const t of TOOLS) {
      expect(t.icon.length, t.id).toBeGreaterThan(0);
      for (const p of t.icon) expect(p.d, t.id).toMatch(/^M[MmLlHhVvCcSsQqTtAaZz0-9 .,-]+$/);
    }
  });

  it('gives the shortcut sheet one line per tool and the keys of each tool', () => {
    for (const t of TOOLS) {
      const lines = SHORTCUTS.filter((s) => s.action.kind === 'tool' && s.action.tool === t.id);
      expect(lines.map((s) => [s.keys, s.label, s.group]), t.id).toEqual([[[t.shortcut], t.description, 'Tools']]);
      for (const key of t.keys ?? []) {
        const line = SHORTCUTS.find((s) => s.action.kind === 'tool-key' && s.action.key === key);
        expect(line && [line.keys, line.label, line.action], `${t.id}: ${key.label}`).toEqual([key.keys, key.label, { kind: 'tool-key', tool: t.id, key }]);
      }
    }
    // The sheet reads as it did before tools were objects.
    const byId = (id: string) => SHORTCUTS.find((s) => s.action.kind === 'tool' && s.action.tool === id)!;
    expect(['brush', 'eraser', 'polygon', 'fill'].map((id) => [byId(id).keys, byId(id).label])).toEqual([
      [['b'], 'Brush'],
      [['e'], 'Eraser (paints background)'],
      [['p'], 'Polygon: click vertices, Enter or double-click fills'],
      [['f'], 'Flood fill a connected region'],
    ]);
    const polygonKeys = SHORTCUTS.filter((s) => s.action.kind === 'tool-key' && s.action.tool === 'polygon');
    expect(polygonKeys.map((s) => [s.keys, s.label, s.group])).toEqual([
      [['Enter'], 'Close the polygon', 'Edit'],
      [['Backspace'], 'Remove the last polygon vertex', 'Edit'],
    ]);
  });
});
