// The editor's Konva stage: photo, mask overlay, proposal and tool feedback layers; zoom to the
// cursor, pan with space-drag or the middle button, fit; pointer events become tool calls on the
// EditorDocument. Konva only displays: the overlay is an image of the raster, redrawn per
// changed rectangle, never the source of truth.
import Konva from 'konva';
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { CLASS_COLORS } from '@contract/classes';
import { useEditorStore } from '../stores/editor';
import type { EditorDocument } from '../editor/document';
import { OverlayRenderer } from '../editor/render/overlay';
import type { LabelRaster } from '../editor/raster';
import { fitView, panBy, screenToRaster, wheelFactor, zoomAt, type View } from './view-transform';
import { perfHandler, perfInput, perfLayer } from './canvas-perf';
import { RasterImage } from './raster-image';

const PROPOSAL_OPACITY = 0.8;

export function useEditorCanvas(container: Ref<HTMLDivElement | null>) {
  const store = useEditorStore();
  const view = ref<View>({ scale: 1, x: 0, y: 0 });
  const panning = ref(false);
  const spaceHeld = ref(false);

  let stage: Konva.Stage | null = null;
  // Photo, mask and proposal share one layer (one canvas to composite per frame, which is what
  // panning a 2048² image costs); tool feedback has its own, redrawn alone while painting.
  const imageLayer = new Konva.Layer({ listening: false });
  const uiLayer = new Konva.Layer({ listening: false });
  let photo: HTMLImageElement | null = null;
  /** Halved copies of the photo (1/2, 1/4, …): zoomed out, the canvas samples a small one. */
  let photoLevels: ImageBitmap[] = [];
  const imageShape = new Konva.Shape({
    listening: false,
    sceneFunc: (context) => {
      const d = store.doc;
      if (!d) return;
      const ctx = context._context;
      if (photo) {
        // Crisp photo pixels once they are big enough to see; smooth when zoomed out.
        ctx.imageSmoothingEnabled = view.value.scale < 2;
        const level = Math.min(photoLevels.length, Math.floor(Math.log2(1 / view.value.scale)));
        ctx.drawImage(level > 0 ? photoLevels[level - 1]! : photo, 0, 0, d.width, d.height);
      }
      // Labels are never smoothed: each screen pixel shows exactly one class.
      ctx.imageSmoothingEnabled = false;
      if (overlay && store.overlayOn && store.opacity > 0) {
        ctx.globalAlpha = store.opacity;
        ctx.drawImage(overlay.source(view.value.scale), 0, 0, d.width, d.height);
      }
      if (proposal) {
        ctx.globalAlpha = PROPOSAL_OPACITY;
        ctx.drawImage(proposal.source(view.value.scale), 0, 0, d.width, d.height);
      }
      ctx.globalAlpha = 1;
    },
  });
  const cursor = new Konva.Circle({ radius: 1, stroke: '#ffffff', strokeWidth: 1.5, strokeScaleEnabled: false, visible: false, shadowColor: '#000', shadowBlur: 2, shadowForStrokeEnabled: true });
  const polyLine = new Konva.Line({ points: [], stroke: '#ffffff', strokeWidth: 1.5, dash: [6, 4], strokeScaleEnabled: false, closed: false });
  const polyDots = new Konva.Group();
  imageLayer.add(imageShape);
  uiLayer.add(polyLine, polyDots, cursor);

  let overlay: RasterImage | null = null;
  let proposal: RasterImage | null = null;
  let unsubscribe: (() => void) | null = null;
  let fittedFor: EditorDocument | null = null;
  let bounds: DOMRect | null = null;
  perfLayer(imageLayer, true);
  perfLayer(uiLayer, false);

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
    overlay = null;
    if (!d) return redraw();
    overlay = new RasterImage(new OverlayRenderer(d.raster, { visible: store.visible, outline: store.outline }));
    unsubscribe = d.onChange((rect) => {
      changedByEvent = true;
      overlay?.update(rect);
      proposal?.update(rect);
      imageLayer.batchDraw();
      // Undo, fill and the like change the class under a resting cursor: refresh the readout.
      if (!d.stroking && hoverPx) updateHover(hoverPx);
    });
    if (fittedFor !== d) {
      fittedFor = d;
      fit();
    }
    redraw();
  }

  function attachProposal(p: LabelRaster | null): void {
    proposal = null;
    const d = store.doc;
    if (p && d) {
      // Only where the proposal differs from the mask, so agreement stays quiet.
      proposal = new RasterImage(new OverlayRenderer(p, { visible: 0xff, outline: false, hideEqualTo: d.raster }));
    }
    imageLayer.batchDraw();
  }

  async function loadPhoto(url: string | null): Promise<void> {
    if (!url) {
      photo = null;
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
    photo = img;
    for (const b of photoLevels) b.close();
    photoLevels = [];
    void buildPhotoLevels(img, url);
    // The mask is the size reference; a photo of another size is stretched to it (and said).
    const d = store.doc;
    if (d) {
      if (img.naturalWidth !== d.width || img.naturalHeight !== d.height) {
        store.notice = `The photo is ${img.naturalWidth}x${img.naturalHeight} but the mask is ${d.width}x${d.height}.`;
      }
    }
    redraw();
  }

  async function buildPhotoLevels(img: HTMLImageElement, url: string): Promise<void> {
    const levels: ImageBitmap[] = [];
    let w = img.naturalWidth;
    let h = img.naturalHeight;
    let source: HTMLImageElement | ImageBitmap = img;
    while (w >= 512 && h >= 512) {
      w = Math.round(w / 2);
      h = Math.round(h / 2);
      source = await createImageBitmap(source, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
      levels.push(source);
    }
    if (store.photoUrl !== url) return levels.forEach((b) => b.close());
    photoLevels = levels;
    redraw();
  }

  // --- tool feedback ------------------------------------------------------------------------

  let hoverPx: { x: number; y: number } | null = null;
  let hoverFrame = 0;

  function updateHover(p: { x: number; y: number } | null): void {
    hoverPx = p;
    updateCursor();
    if (hoverFrame) return;
    // The store (and the status line) update once per frame, not per pointer event.
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      const d = store.doc;
      const c = hoverPx && d ? d.classAt(hoverPx.x, hoverPx.y) : null;
      store.hover = hoverPx && c !== null ? { x: hoverPx.x, y: hoverPx.y, cls: c } : null;
      if (store.tool === 'polygon') updatePolygon();
    });
  }

  function updateCursor(): void {
    const brushy = store.tool === 'brush' || store.tool === 'eraser';
    const show = brushy && hoverPx !== null && !panning.value && !spaceHeld.value;
    cursor.visible(show);
    if (show && hoverPx) {
      cursor.position({ x: hoverPx.x + 0.5, y: hoverPx.y + 0.5 });
      cursor.radius(Math.max(0.5, store.size / 2));
      cursor.stroke(store.tool === 'eraser' ? '#ffffff' : rgb(store.cls));
    }
    syncUiLayer();
  }

  /** An empty feedback layer is hidden, so panning composites one canvas, not two. */
  function syncUiLayer(): void {
    uiLayer.visible(cursor.visible() || store.polygon.length > 0);
    uiLayer.batchDraw();
  }

  function updatePolygon(): void {
    const pts = store.polygon;
    const flat = pts.flatMap((p) => [p.x + 0.5, p.y + 0.5]);
    if (pts.length > 0 && hoverPx) flat.push(hoverPx.x + 0.5, hoverPx.y + 0.5);
    polyLine.points(flat);
    polyLine.stroke(rgb(store.cls));
    polyDots.destroyChildren();
    const r = 4 / view.value.scale;
    for (const p of pts) {
      polyDots.add(new Konva.Circle({ x: p.x + 0.5, y: p.y + 0.5, radius: r, fill: rgb(store.cls), stroke: '#fff', strokeWidth: 1, strokeScaleEnabled: false }));
    }
    syncUiLayer();
  }

  function rgb(c: number): string {
    const [r, g, b] = CLASS_COLORS[c] ?? [255, 255, 255];
    return `rgb(${r},${g},${b})`;
  }

  // --- pointer input ------------------------------------------------------------------------

  let panFrom: { x: number; y: number; view: View } | null = null;
  let strokePointer: number | null = null;
  /** Set by the document listener: did the current pointer event change any pixel? */
  let changedByEvent = false;

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
    if (store.tool === 'brush' || store.tool === 'eraser') {
      el.setPointerCapture(e.pointerId);
      strokePointer = e.pointerId;
      changedByEvent = false;
      d.beginStroke(p, { eraser: store.tool === 'eraser', size: store.size, cls: store.cls, lock: store.lock });
      if (changedByEvent) perfInput(e.timeStamp);
    } else if (store.tool === 'polygon') {
      const first = store.polygon[0];
      // Clicking the first vertex again closes the polygon.
      if (first && store.polygon.length >= 3 && Math.abs(first.x - p.x) * view.value.scale <= 6 && Math.abs(first.y - p.y) * view.value.scale <= 6) {
        store.commitPolygon();
      } else {
        store.polygon = [...store.polygon, p];
      }
      updatePolygon();
    } else if (store.tool === 'fill') {
      store.fillAt(p);
    }
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
    if (strokePointer === e.pointerId && d.stroking) {
      const started = performance.now();
      changedByEvent = false;
      // Coalesced events follow the real path of a fast hand, not just one point per frame.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const ce of events.length > 0 ? events : [e]) d.strokeTo(rasterPoint(ce));
      // Only events that changed pixels have a paint to wait for.
      if (changedByEvent) perfInput(e.timeStamp);
      perfHandler(started);
    }
    updateHover(rasterPoint(e));
  }

  function onPointerUp(e: PointerEvent): void {
    if (panning.value) {
      panning.value = false;
      panFrom = null;
      updateCursor();
      return;
    }
    if (strokePointer === e.pointerId) {
      strokePointer = null;
      store.strokeEnded();
    }
  }

  function onPointerCancel(e: PointerEvent): void {
    if (strokePointer === e.pointerId) {
      strokePointer = null;
      store.doc?.cancelStroke();
    }
    panning.value = false;
  }

  function onPointerLeave(): void {
    if (strokePointer === null) updateHover(null);
  }

  function onDoubleClick(): void {
    if (store.tool === 'polygon') {
      store.commitPolygon();
      updatePolygon();
    }
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
    stage.add(imageLayer, uiLayer);
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
    attachProposal(store.proposal);
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
      attachProposal(store.proposal);
    },
  );
  watch(() => store.photoUrl, (url) => void loadPhoto(url));
  watch(() => store.proposal, (p) => attachProposal(p));
  watch(
    () => [store.opacity, store.overlayOn],
    () => imageLayer.batchDraw(),
  );
  watch(
    () => [store.visible, store.outline] as const,
    ([visible, outline]) => {
      if (!overlay) return;
      overlay.renderer.options = { visible, outline };
      overlay.update(null);
      imageLayer.batchDraw();
    },
  );
  watch(() => [store.size, store.tool, store.cls], updateCursor);
  watch(() => [store.polygon, store.cls], updatePolygon);

  return { view, panning, spaceHeld, fit, zoomBy };
}
