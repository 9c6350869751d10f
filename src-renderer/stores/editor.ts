// The editor room's store: one face for the components over four concerns, each in its own file
// (settings, loading and saving, navigation, the model's proposal), plus what ties them to the
// tools: the active tool, its points in progress, and the context a tool works in.
// Pixel work happens in ../editor; the store only orchestrates and talks to the API.
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Point } from '../editor/ops/brush';
import type { EditorTool, ToolContext } from '../editor/tools/tool';
import { toolById, type ToolId } from '../editor/tools/index';
import { useEditorSettings } from './editor-settings';
import { useEditorIo } from './editor-io';
import { useEditorNavigation } from './editor-navigation';
import { useEditorProposals } from './editor-proposals';
import { useEditorHistory } from './editor-history';

export { AUTOSAVE_IDLE_MS, type SaveState } from './editor-io';
export type { ToolId } from '../editor/tools/index';

export const useEditorStore = defineStore('editor', () => {
  const settings = useEditorSettings();
  const hover = ref<{ x: number; y: number; cls: number } | null>(null);
  /** The active tool's points in progress (polygon vertices). */
  const draft = ref<readonly Point[]>([]);
  const helpOpen = ref(false);
  const notice = ref<string | null>(null);

  const io = useEditorIo({
    opened() {
      draft.value = [];
      proposals.clearProposal();
      proposals.predictError.value = null;
      history.resetHistory();
    },
  });
  const { doc } = io;
  const history = useEditorHistory(io);
  /** After any committed change: autosave, and keep a revision comparison's counts current. */
  function changed(): void {
    io.changed();
    history.refreshComparison();
  }
  const proposals = useEditorProposals({ item: io.item, doc, loading: io.loading, lock: settings.lock, changed });
  const navigation = useEditorNavigation({ item: io.item, notice, open: io.open, flush: io.flush });

  /** What the canvas draws over the mask where it differs: the model's proposal, else a revision being compared. */
  const canvasProposal = computed(() => proposals.proposal.value ?? history.comparison.value);

  const activeTool = computed<EditorTool<ToolId>>(() => toolById(settings.tool.value));

  /** What the tools see of the editor during one event; null while no image is open. */
  function toolContext(scale: number): ToolContext | null {
    const d = doc.value;
    if (!d) return null;
    return {
      doc: d,
      cls: settings.cls.value,
      size: settings.size.value,
      lock: settings.lock.value,
      scale,
      get draft() {
        return draft.value;
      },
      set draft(points) {
        draft.value = points;
      },
      committed: changed,
    };
  }

  function setTool(t: ToolId): void {
    // Points in progress belong to the tool that set them.
    if (t !== settings.tool.value) draft.value = [];
    settings.setTool(t);
  }

  function undo(): void {
    draft.value = [];
    if (doc.value?.undo()) changed();
  }

  function redo(): void {
    if (doc.value?.redo()) changed();
  }

  function fillHoles(): void {
    const d = doc.value;
    if (!d) return;
    const { cls, lock, holesMaxArea } = settings;
    if (d.fillHoles(cls.value, lock.value, holesMaxArea.value)) changed();
    else notice.value = `No enclosed hole of at most ${holesMaxArea.value} px in ${cls.value === 0 ? 'background' : 'this class'}.`;
  }

  function removeSpecks(allClasses: boolean): void {
    const d = doc.value;
    if (!d) return;
    const { cls, speckMinArea } = settings;
    if (d.removeSpecks(allClasses ? null : cls.value, speckMinArea.value)) changed();
    else notice.value = `No island smaller than ${speckMinArea.value} px.`;
  }

  return {
    ...io,
    ...settings,
    ...navigation,
    ...proposals,
    ...history,
    changed,
    canvasProposal,
    hover, draft, helpOpen, notice, activeTool,
    toolContext, setTool, undo, redo, fillHoles, removeSpecks,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEditorStore, import.meta.hot));
