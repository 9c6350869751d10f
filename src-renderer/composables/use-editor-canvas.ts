// The editor's Konva stage: photo, mask overlay, proposal and tool feedback layers; zoom to the
// cursor, pan with space-drag or the middle button, fit; other pointer events go to the active
// tool (editor/tools), which edits the EditorDocument. Konva only displays: the overlay is an
// image of the raster, redrawn per changed rectangle, never the source of truth.
import Konva from 'konva';
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { CLASS_COLORS } from '@contract/classes';
import { useEditorStore } from '../stores/editor';
import type { EditorDocument } from '../editor/document';
import { ImageScene } from '../editor/render/image-scene';
import type { Point } from '../editor/ops/brush';
import type { EditorTool } from '../editor/tools/tool';
import { ToolFeedback } from '../editor/render/tool-feedback';
import { buildPhotoLevels } from '../editor/render/photo-levels';
import { fitView, panBy, screenToRaster, wheelFactor, zoomAt, type View } from '../editor/view-transform';
import { perfHandler, perfInput, perfLayer } from '../editor/canvas-perf';

export function useEditorCanvas(container: Ref<HTMLDivElement | null>) {
  const store = useEditorStore();
  const view = ref<View>({ scale: 1, x: 0, y: 0 });
  const panning = ref(false);
  const spaceHeld = ref(false);

  let stage: Konva.Stage | null = null;
  // Photo, mask and proposal share one layer; tool feedback has its own, redrawn alone while painting.
  const scene = new ImageScene(() => ({ scale: view.value.scale, overlayOn: store.overlayOn, opacity: store.opacity }));
  const feedback = new ToolFeedback();
  let unsubscribe: (() => void) | null = null;
  let fittedFor: EditorDocument | null = null;
  let bounds: DOMRect | null = null;
  perfLayer(scene.layer, true);
  perfLayer(feedback.layer, false);

  function redraw(): void {
    stage?.batchDraw();
  }

  function applyView(v: View): void {
    view.value = v;
    if (!stage) return;
    stage.scale({ x: v.scale, y: v.scale });
    stage.position({ x: v.x, y: v.y });
    // Tests and the benchmark map raster pixels to screen points through this attribute.
    stage.container().dataset['view'] = `${v.scale},${v.x},${v.y}`;
    redraw();
  }

  function fit(): void {
    const d = store.doc;
    if (!stage || !d) return;
    applyView(fitView(d.width, d.height, stage.width(), stage.height()));
  }

  function zoomBy(factor: number, at?: { x: number; y: number }): void {
    if (!stage) return;
    const p = at ?? { x: stage.width() / 2, y: stage.height() / 2 };
    applyView(zoomAt(view.value, factor, p.x, p.y));
  }

  function stagePoint(e: { clientX: number; clientY: number }): { x: number; y: number } {
    bounds ??= container.value!.getBoundingClientRect();
    return { x: e.clientX - bounds.left, y: e.clientY - bounds.top };
  }

  function rasterPoint(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const s = stagePoint(e);
    return screenToRaster(view.value, s.x, s.y);
  }

  // --- the document and its overlay -------------------------------------------------------

  function attachDocument(d: EditorDocument | null): void {
    unsubscribe?.();
    unsubscribe = null;
    scene.showMask(d?.raster ?? null, { visible: store.visible, outline: store.outline });
    if (!d) return redraw();
    unsubscribe = d.onChange((rect) => {
      changedByEvent = true;
      scene.maskChanged(rect);
      // Undo, fill and the like change the class under a resting cursor: refresh the readout.
      if (!d.stroking && hoverPx) updateHover(hoverPx);
    });
    if (fittedFor !== d) {
      fittedFor = d;
      fit();
    }
    redraw();
  }

  async function loadPhoto(url: string | null): Promise<void> {
    if (!url) {
      scene.setPhoto(null);
      return redraw();
    }
    const img = new Image();
    img.src = url;
    try {
      await img.decode();
    } catch {
      store.notice = 'The photo could not be decoded by the browser; the mask is still editable.';
      return;
    }
    if (store.photoUrl !== url) return;
    scene.setPhoto(img);
    void buildPhotoLevels(img).then((levels) => {
      if (store.photoUrl !== url) return levels.forEach((b) => b.close());
      scene.setPhotoLevels(levels);
      redraw();
    });
    // The mask is the size reference; a photo of another size is stretched to it (and said).
    const d = store.doc;
    if (d) {
      if (img.naturalWidth !== d.width || img.naturalHeight !== d.height) {
        store.notice = `The photo is ${img.naturalWidth}x${img.naturalHeight} but the mask is ${d.width}x${d.height}.`;
      }
    }
    redraw();
  }

  // --- tool feedback ------------------------------------------------------------------------

  let hoverPx: Point | null = null;
  let hoverFrame = 0;

  function updateHover(p: Point | null): void {
    hoverPx = p;
    updateCursor();
    if (hoverFrame) return;
    // The store (and the status line) update once per frame, not per pointer event.
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      const d = store.doc;
      const c = hoverPx && d ? d.classAt(hoverPx.x, hoverPx.y) : null;
      store.hover = hoverPx && c !== null ? { x: hoverPx.x, y: hoverPx.y, cls: c } : null;
      // The rubber band from the last vertex follows the pointer.
      if (store.draft.length > 0) updateDraft();
    });
  }

  function updateCursor(): void {
    const tool = store.activeTool;
    const show = tool.ring && hoverPx !== null && !panning.value && !spaceHeld.value;
    feedback.showRing(show ? hoverPx : null, store.size, tool.paintsClass ? rgb(store.cls) : '#ffffff');
  }

  function updateDraft(): void {
    feedback.showDraft(store.draft, hoverPx, rgb(store.cls), view.value.scale);
  }

  function rgb(c: number): string {
    const [r, g, b] = CLASS_COLORS[c] ?? [255, 255, 255];
    return `rgb(${r},${g},${b})`;
  }

  // --- pointer input ------------------------------------------------------------------------

  let panFrom: { x: number; y: number; view: View } | null = null;
  /** The tool that asked for the pointer's moves on pointer down, until it is released. */
  let drag: { pointer: number; tool: EditorTool } | null = null;
  /** Set by the document listener: did the current pointer event change any pixel? */
  let changedByEvent = false;

  function toolContext() {
    return store.toolContext(view.value.scale);
  }

  function onPointerDown(e: PointerEvent): void {
    const el = container.value;
    const d = store.doc;
    if (!el || !d) return;
    el.focus();
    bounds = el.getBoundingClientRect();
    if (e.button === 1 || (e.button === 0 && spaceHeld.value)) {
      e.preventDefault();
      panning.value = true;
      panFrom = { ...stagePoint(e), view: view.value };
      el.setPointerCapture(e.pointerId);
      updateCursor();
      return;
    }
    if (e.button !== 0) return;
    const p = rasterPoint(e);
    if (e.altKey) {
      const c = d.classAt(p.x, p.y);
      if (c !== null) store.setClass(c);
      return;
    }
    const ctx = toolContext();
    if (!ctx) return;
    const tool = store.activeTool;
    const draft = store.draft;
    changedByEvent = false;
    if (tool.down(ctx, p) === 'drag') {
      el.setPointerCapture(e.pointerId);
      drag = { pointer: e.pointerId, tool };
      if (changedByEvent) perfInput(e.timeStamp);
    }
    if (store.draft !== draft) updateDraft();
  }

  function onPointerMove(e: PointerEvent): void {
    const d = store.doc;
    if (!d) return;
    if (e.buttons !== 0) store.noteInteraction();
    if (panning.value && panFrom) {
      const s = stagePoint(e);
      applyView(panBy(panFrom.view, s.x - panFrom.x, s.y - panFrom.y));
      return;
    }
    const ctx = drag?.pointer === e.pointerId ? toolContext() : null;
    if (drag && ctx) {
      const started = performance.now();
      changedByEvent = false;
      // Coalesced events follow the real path of a fast hand, not just one point per frame.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      drag.tool.move?.(ctx, (events.length > 0 ? events : [e]).map(rasterPoint));
      // Only events that changed pixels have a paint to wait for.
      if (changedByEvent) perfInput(e.timeStamp);
      perfHandler(started);
    }
    updateHover(rasterPoint(e));
  }

  /** Ends the drag of this pointer, if any; returns its tool and a context to finish in. */
  function release(e: PointerEvent) {
    if (drag?.pointer !== e.pointerId) return null;
    const { tool } = drag;
    drag = null;
    const ctx = toolContext();
    return ctx ? { tool, ctx } : null;
  }

  function onPointerUp(e: PointerEvent): void {
    if (panning.value) {
      panning.value = false;
      panFrom = null;
      updateCursor();
      return;
    }
    const ended = release(e);
    ended?.tool.up?.(ended.ctx);
  }

  function onPointerCancel(e: PointerEvent): void {
    const ended = release(e);
    ended?.tool.cancel?.(ended.ctx);
    panning.value = false;
  }

  function onPointerLeave(): void {
    if (drag === null) updateHover(null);
  }

  function onDoubleClick(): void {
    const ctx = toolContext();
    if (!ctx || !store.activeTool.doubleClick) return;
    store.activeTool.doubleClick(ctx);
    updateDraft();
  }

  function onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (!store.doc) return;
    store.noteInteraction();
    const s = stagePoint(e);
    if (e.ctrlKey || !e.shiftKey) zoomBy(wheelFactor(e.deltaY, e.deltaMode), s);
    else applyView(panBy(view.value, -e.deltaY, 0));
  }

  function onKey(e: KeyboardEvent): void {
    if (e.key !== ' ') return;
    const target = e.target as HTMLElement | null;
    // Space pans even when a toolbar button has focus (and must not click it); text fields keep it.
    if (target && (/^(TEXTAREA|SELECT)$/.test(target.tagName) || (target.tagName === 'INPUT' && !['range', 'checkbox'].includes((target as HTMLInputElement).type)))) return;
    e.preventDefault();
    spaceHeld.value = e.type === 'keydown';
    updateCursor();
  }

  // --- life cycle ---------------------------------------------------------------------------

  let resize: ResizeObserver | null = null;

  onMounted(() => {
    const el = container.value!;
    stage = new Konva.Stage({ container: el, width: el.clientWidth || 800, height: el.clientHeight || 600 });
    stage.add(scene.layer, feedback.layer);
    el.addEventListener('pointerdown', onPointerDown);
    el.addEventListener('pointermove', onPointerMove);
    el.addEventListener('pointerup', onPointerUp);
    el.addEventListener('pointercancel', onPointerCancel);
    el.addEventListener('pointerleave', onPointerLeave);
    // The panels around the canvas may have moved it since the last measurement.
    el.addEventListener('pointerenter', () => (bounds = null));
    el.addEventListener('dblclick', onDoubleClick);
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('contextmenu', (e) => e.preventDefault());
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    resize = new ResizeObserver(() => {
      if (!stage || !el.clientWidth || !el.clientHeight) return;
      const first = stage.width() !== el.clientWidth || stage.height() !== el.clientHeight;
      stage.size({ width: el.clientWidth, height: el.clientHeight });
      bounds = null;
      if (first && fittedFor === store.doc) fit();
      redraw();
    });
    resize.observe(el);
    applyView(view.value);
    attachDocument(store.doc);
    scene.showProposal(store.canvasProposal);
    void loadPhoto(store.photoUrl);
  });

  onBeforeUnmount(() => {
    unsubscribe?.();
    resize?.disconnect();
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('keyup', onKey);
    if (hoverFrame) cancelAnimationFrame(hoverFrame);
    stage?.destroy();
    stage = null;
  });

  watch(
    () => store.doc,
    (d) => {
      attachDocument(d);
      scene.showProposal(store.canvasProposal);
    },
  );
  watch(() => store.photoUrl, (url) => void loadPhoto(url));
  watch(() => store.canvasProposal, (p) => scene.showProposal(p));
  watch(
    () => [store.opacity, store.overlayOn],
    () => scene.layer.batchDraw(),
  );
  watch(
    () => [store.visible, store.outline] as const,
    ([visible, outline]) => scene.setMaskOptions({ visible, outline }),
  );
  watch(() => [store.size, store.tool, store.cls], updateCursor);
  watch(() => [store.draft, store.cls], updateDraft);

  return { view, panning, spaceHeld, fit, zoomBy };
}
