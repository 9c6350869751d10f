// Opt-in timing hooks for `npm run bench:editor`: the benchmark installs `window.__facetEditorPerf`
// before the page loads; without it every hook costs one property read.

export interface EditorPerf {
  /** `timeStamp` of the oldest pointer event whose paint is still pending. */
  pendingInput: number | null;
  /** Pointer event to the end of the overlay draw that shows it, in ms. */
  inputToDraw: number[];
  /** Pointer event to the start of the frame after that draw (the draw is on screen by then), in ms. */
  inputToNextFrame: number[];
  /** Layer drawing time accumulated since the benchmark last read it, in ms. */
  work: number;
  /** Main-thread time of each stroke pointer event's handler (paint raster + overlay rect), in ms. */
  handlerMs: number[];
}

declare global {
  interface Window {
    __facetEditorPerf?: EditorPerf;
  }
}

export function perfInput(timeStamp: number): void {
  const p = window.__facetEditorPerf;
  if (p && p.pendingInput === null) p.pendingInput = timeStamp;
}

export function perfHandler(startedAt: number): void {
  const p = window.__facetEditorPerf;
  if (p) p.handlerMs.push(performance.now() - startedAt);
}

/** Wraps a Konva layer's draws: adds their time to `work`; `showsInput` ends a pending latency. */
export function perfLayer(layer: { on(evt: string, handler: () => void): unknown }, showsInput: boolean): void {
  let start = 0;
  layer.on('beforeDraw', () => {
    if (window.__facetEditorPerf) start = performance.now();
  });
  layer.on('draw', () => {
    const p = window.__facetEditorPerf;
    if (!p) return;
    const now = performance.now();
    p.work += now - start;
    if (showsInput && p.pendingInput !== null) {
      const input = p.pendingInput;
      p.inputToDraw.push(now - input);
      p.pendingInput = null;
      requestAnimationFrame((t) => p.inputToNextFrame.push(t - input));
    }
  });
}
