// The editor's settings: tool, class, brush size, overlay and clean-up thresholds, kept across
// sessions in localStorage; the class lock and the overlay switch last one session.
import { ref } from 'vue';
import { NUM_CLASSES } from '@contract/classes';
import { MAX_BRUSH, MIN_BRUSH } from '../editor/ops/brush';
import { isToolId, toolById, type ToolId } from '../editor/tools/index';

const SETTINGS_KEY = 'facet.editor.settings';

interface Settings {
  tool: ToolId;
  cls: number;
  size: number;
  opacity: number;
  outline: boolean;
  visible: number;
  holesMaxArea: number;
  speckMinArea: number;
}

const defaults: Settings = { tool: 'brush', cls: 1, size: 16, opacity: 0.5, outline: false, visible: 0xfe, holesMaxArea: 200, speckMinArea: 30 };

function loadSettings(): Settings {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') as Partial<Settings>;
    const out = { ...defaults, ...saved };
    // A tool saved by another version of the studio may not exist here.
    if (!isToolId(out.tool)) out.tool = defaults.tool;
    return out;
  } catch {
    return { ...defaults };
  }
}

export function useEditorSettings() {
  const s = loadSettings();
  const tool = ref<ToolId>(s.tool);
  const cls = ref(s.cls);
  const size = ref(s.size);
  const lock = ref<number | null>(null);
  const opacity = ref(s.opacity);
  const outline = ref(s.outline);
  const visible = ref(s.visible);
  const overlayOn = ref(true);
  const holesMaxArea = ref(s.holesMaxArea);
  const speckMinArea = ref(s.speckMinArea);

  function persistSettings(): void {
    const out: Settings = {
      tool: tool.value,
      cls: cls.value,
      size: size.value,
      opacity: opacity.value,
      outline: outline.value,
      visible: visible.value,
      holesMaxArea: holesMaxArea.value,
      speckMinArea: speckMinArea.value,
    };
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(out));
  }

  function setTool(t: ToolId): void {
    tool.value = t;
    persistSettings();
  }

  function setClass(c: number): void {
    if (c < 0 || c >= NUM_CLASSES) return;
    cls.value = c;
    // Picking a class means painting with it.
    if (!toolById(tool.value).paintsClass) tool.value = 'brush';
    persistSettings();
  }

  function setSize(n: number): void {
    size.value = Math.round(Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, n)));
    persistSettings();
  }

  /** `[` and `]`: proportional steps so both 2 px and 200 px brushes change usefully. */
  function stepSize(direction: 1 | -1): void {
    const n = size.value;
    setSize(direction > 0 ? Math.max(n + 1, n * 1.25) : Math.min(n - 1, n / 1.25));
  }

  function toggleClassVisible(c: number): void {
    visible.value ^= 1 << c;
    persistSettings();
  }

  return {
    tool, cls, size, lock, opacity, outline, visible, overlayOn, holesMaxArea, speckMinArea,
    persistSettings, setTool, setClass, setSize, stepSize, toggleClassVisible,
  };
}
