// Window-level key handling for the editor room, driven by the SHORTCUTS table.
import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import { useEditorStore } from '../stores/editor';
import { matchShortcut, type ShortcutAction } from '../editor/shortcuts';
import type { View } from '../editor/view-transform';

export interface CanvasControls {
  readonly view: Readonly<Ref<View>>;
  fit(): void;
  zoomBy(factor: number): void;
}

function typingInto(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  // Sliders and checkboxes keep focus after a click; letters should still reach the editor.
  const type = (el as HTMLInputElement).type;
  return !['range', 'checkbox', 'radio', 'button'].includes(type);
}

export function useEditorShortcuts(canvas: CanvasControls): void {
  const store = useEditorStore();

  function run(action: ShortcutAction): void {
    switch (action.kind) {
      case 'tool':
        return store.setTool(action.tool);
      case 'class':
        return store.setClass(action.cls);
      case 'size':
        return store.stepSize(action.dir);
      case 'undo':
        return store.undo();
      case 'redo':
        return store.redo();
      case 'save':
        return void store.save();
      case 'help':
        store.helpOpen = !store.helpOpen;
        return;
      case 'escape':
        if (store.doc?.stroking) store.doc.cancelStroke();
        else if (store.helpOpen) store.helpOpen = false;
        else if (store.draft.length > 0) store.draft = [];
        else if (store.proposal) store.clearProposal();
        return;
      case 'tool-key': {
        const ctx = store.toolContext(canvas.view.value.scale);
        if (ctx) action.key.run(ctx);
        return;
      }
      case 'fill-holes':
        return store.fillHoles();
      case 'specks':
        return store.removeSpecks(action.all);
      case 'lock':
        store.lock = store.lock === null && store.hover ? store.hover.cls : null;
        return;
      case 'pick':
        if (store.hover) store.setClass(store.hover.cls);
        return;
      case 'outline':
        store.outline = !store.outline;
        return store.persistSettings();
      case 'overlay':
        store.overlayOn = !store.overlayOn;
        return;
      case 'fit':
        return canvas.fit();
      case 'zoom':
        return canvas.zoomBy(action.factor);
      case 'go':
        return void store.go(action.delta);
      case 'status':
        return void store.setStatus(action.status);
      case 'training':
        return void store.toggleTraining();
      case 'predict':
        return void store.predict();
      case 'accept-all':
        if (store.proposal) store.acceptProposal(null);
        return;
    }
  }

  /** Keys that mean something only in some states leave the key alone otherwise (Enter on a button). */
  function applies(action: ShortcutAction): boolean {
    if (action.kind === 'tool-key') {
      const ctx = store.toolContext(canvas.view.value.scale);
      return action.tool === store.tool && ctx !== null && action.key.applies(ctx);
    }
    if (action.kind === 'accept-all') return store.proposal !== null;
    if (action.kind === 'escape') return store.helpOpen || store.draft.length > 0 || store.proposal !== null || (store.doc?.stroking ?? false);
    return true;
  }

  function onKeyDown(e: KeyboardEvent): void {
    if (e.defaultPrevented || typingInto(e.target)) return;
    const action = matchShortcut(e, applies);
    if (!action) return;
    // While a stroke is down, only Escape-like keys would make sense; ignore the rest.
    if (store.doc?.stroking && action.kind !== 'escape') return;
    e.preventDefault();
    run(action);
  }

  onMounted(() => window.addEventListener('keydown', onKeyDown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown));
}
