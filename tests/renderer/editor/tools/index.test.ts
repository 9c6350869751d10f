import { describe, expect, it } from 'vitest';
import { TOOLS, isToolId, toolById } from '../../../../src-renderer/editor/tools/index';
import { SHORTCUTS } from '../../../../src-renderer/editor/shortcuts';

describe('tool index', () => {
  it('lists each tool once, selected by its own letter, in toolbar order', () => {
    expect(TOOLS.map((t) => t.id)).toEqual(['brush', 'eraser', 'polygon', 'fill']);
    expect(new Set(TOOLS.map((t) => t.shortcut)).size).toBe(TOOLS.length);
    for (const t of TOOLS) {
      expect(t.shortcut, t.id).toMatch(/^[a-z]$/);
      expect(toolById(t.id)).toBe(t);
      expect(isToolId(t.id)).toBe(true);
    }
    expect(isToolId('lasso')).toBe(false);
  });

  it('draws every icon as SVG paths, never as a font glyph', () => {
    for (const t of TOOLS) {
      expect(t.icon.length, t.id).toBeGreaterThan(0);
      for (const p of t.icon) expect(p.d, t.id).toMatch(/^M[MmLlHhVvCcSsQqTtAaZz0-9 .,-]+$/);
    }
  });

  it('gives the shortcut sheet one line per tool and the keys of each tool', () => {
    const toolLines = SHORTCUTS.filter((s) => s.action.kind === 'tool');
    expect(toolLines.map((s) => [s.keys, s.label])).toEqual([
      [['b'], 'Brush'],
      [['e'], 'Eraser (paints background)'],
      [['p'], 'Polygon: click vertices, Enter or double-click fills'],
      [['f'], 'Flood fill a connected region'],
    ]);
    const keyLines = SHORTCUTS.filter((s) => s.action.kind === 'tool-key');
    expect(keyLines.map((s) => [s.keys, s.label, s.group])).toEqual([
      [['Enter'], 'Close the polygon', 'Edit'],
      [['Backspace'], 'Remove the last polygon vertex', 'Edit'],
    ]);
  });
});
