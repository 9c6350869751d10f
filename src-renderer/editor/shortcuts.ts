// Every editor shortcut in one table: the key handler and the '?' help read the same list, so
// the help can never drift from what the keys do. Tools bring their own keys (./tools/index.ts).
import { CLASS_NAMES } from '@contract/classes';
import { TOOLS, type ToolId } from './tools/index';
import type { ToolKey } from './tools/tool';

export type ShortcutAction =
  | { kind: 'tool'; tool: ToolId }
  /** A key of one tool's own, acting only while that tool is active. */
  | { kind: 'tool-key'; tool: ToolId; key: ToolKey }
  | { kind: 'class'; cls: number }
  | { kind: 'size'; dir: 1 | -1 }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'save' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'fill-holes' }
  | { kind: 'specks'; all: boolean }
  | { kind: 'lock' }
  | { kind: 'pick' }
  | { kind: 'outline' }
  | { kind: 'overlay' }
  | { kind: 'fit' }
  | { kind: 'zoom'; factor: number }
  | { kind: 'go'; delta: 1 | -1 }
  | { kind: 'status'; status: 'done' | 'reviewed' }
  | { kind: 'training' }
  | { kind: 'predict' }
  | { kind: 'accept-all' };

export interface Shortcut {
  /** `KeyboardEvent.key` values (case-insensitive for letters). */
  keys: string[];
  ctrl?: boolean;
  shift?: boolean;
  label: string;
  group: 'Tools' | 'Classes' | 'Edit' | 'View' | 'Image' | 'Model';
  action: ShortcutAction;
}

export const SHORTCUTS: readonly Shortcut[] = [
  ...TOOLS.map((t): Shortcut => ({ keys: [t.shortcut], label: t.description, group: 'Tools', action: { kind: 'tool', tool: t.id } })),
  { keys: ['['], label: 'Smaller brush', group: 'Tools', action: { kind: 'size', dir: -1 } },
  { keys: [']'], label: 'Larger brush', group: 'Tools', action: { kind: 'size', dir: 1 } },
  { keys: ['l'], label: 'Class lock: paint only over the class under the cursor (again: off)', group: 'Tools', action: { kind: 'lock' } },
  { keys: ['i'], label: 'Pick the class under the cursor', group: 'Tools', action: { kind: 'pick' } },
  ...CLASS_NAMES.map(
    (name, cls): Shortcut => ({ keys: [String(cls + 1)], label: `Class ${cls}: ${name}`, group: 'Classes', action: { kind: 'class', cls } }),
  ),
  { keys: ['z'], ctrl: true, label: 'Undo stroke or action', group: 'Edit', action: { kind: 'undo' } },
  { keys: ['z'], ctrl: true, shift: true, label: 'Redo', group: 'Edit', action: { kind: 'redo' } },
  { keys: ['y'], ctrl: true, label: 'Redo', group: 'Edit', action: { kind: 'redo' } },
  { keys: ['s'], ctrl: true, label: 'Save now', group: 'Edit', action: { kind: 'save' } },
  { keys: ['h'], label: 'Fill holes of the class', group: 'Edit', action: { kind: 'fill-holes' } },
  { keys: ['k'], label: 'Remove specks of the class', group: 'Edit', action: { kind: 'specks', all: false } },
  { keys: ['k'], shift: true, label: 'Remove specks of every class', group: 'Edit', action: { kind: 'specks', all: true } },
  ...TOOLS.flatMap((t) =>
    (t.keys ?? []).map((key): Shortcut => ({ keys: key.keys, label: key.label, group: 'Edit', action: { kind: 'tool-key', tool: t.id, key } })),
  ),
  { keys: ['Escape'], label: 'Cancel polygon / discard proposal / close help', group: 'Edit', action: { kind: 'escape' } },
  { keys: ['o'], label: 'Outline mode', group: 'View', action: { kind: 'outline' } },
  { keys: ['v'], label: 'Show or hide the mask', group: 'View', action: { kind: 'overlay' } },
  { keys: ['0'], label: 'Fit to window', group: 'View', action: { kind: 'fit' } },
  { keys: ['+', '='], label: 'Zoom in', group: 'View', action: { kind: 'zoom', factor: 1.25 } },
  { keys: ['-'], label: 'Zoom out', group: 'View', action: { kind: 'zoom', factor: 0.8 } },
  { keys: [' '], label: 'Hold and drag to pan (or drag with the middle button; wheel zooms)', group: 'View', action: { kind: 'fit' } },
  { keys: ['.', 'PageDown'], label: 'Next image', group: 'Image', action: { kind: 'go', delta: 1 } },
  { keys: [',', 'PageUp'], label: 'Previous image', group: 'Image', action: { kind: 'go', delta: -1 } },
  { keys: ['d'], label: 'Mark done', group: 'Image', action: { kind: 'status', status: 'done' } },
  { keys: ['r'], label: 'Mark reviewed', group: 'Image', action: { kind: 'status', status: 'reviewed' } },
  { keys: ['t'], label: 'Add to / remove from the training set', group: 'Image', action: { kind: 'training' } },
  { keys: ['m'], label: 'Predict with the current model', group: 'Model', action: { kind: 'predict' } },
  { keys: ['a'], label: 'Accept the whole proposal', group: 'Model', action: { kind: 'accept-all' } },
  { keys: ['?'], label: 'This help', group: 'View', action: { kind: 'help' } },
];

/** Space is handled by the canvas (pan while held): listed for help only. */
const HELP_ONLY = new Set([' ']);

/**
 * The first shortcut for this key that `applies` (by default any): tools may give one key
 * different meanings, and only the active tool's applies.
 */
export function matchShortcut(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  applies: (action: ShortcutAction) => boolean = () => true,
): ShortcutAction | null {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  for (const s of SHORTCUTS) {
    if (s.keys.some((k) => HELP_ONLY.has(k))) continue;
    if (!s.keys.some((k) => (k.length === 1 ? k.toLowerCase() : k) === key)) continue;
    if (Boolean(s.ctrl) !== ctrl) continue;
    // Shift matters for letters only: '?', '+' and ']' need shift on many layouts.
    if (/^[a-z]$/.test(key) && Boolean(s.shift) !== e.shiftKey) continue;
    if (e.altKey) continue;
    if (!applies(s.action)) continue;
    return s.action;
  }
  return null;
}

export function keyLabel(s: Shortcut): string {
  const names: Record<string, string> = { ' ': 'Space', Escape: 'Esc', Backspace: '⌫', PageDown: 'PgDn', PageUp: 'PgUp' };
  const key = s.keys.map((k) => names[k] ?? (k.length === 1 ? k.toUpperCase() : k)).join(' / ');
  return `${s.ctrl ? 'Ctrl+' : ''}${s.shift ? 'Shift+' : ''}${key}`;
}
