// Noticing writes by other processes (a `facet import` in a terminal while the studio is open).
// SQLite's `PRAGMA data_version` changes on this connection exactly when another connection has
// committed to the database since the last look; this connection's own commits leave it alone,
// and those already announce themselves. One look is a few microseconds, so a poll is cheap.
import type { ProjectStore } from './store';

export const WATCH_INTERVAL_MS = 1000;

type Listener = () => void;

interface Watch {
  store: ProjectStore;
  version: number;
  listeners: Set<Listener>;
  timer: ReturnType<typeof setInterval> | null;
}

const watches = new Map<string, Watch>();

function dataVersion(store: ProjectStore): number {
  return store.db.pragma('data_version', { simple: true }) as number;
}

/**
 * Looks once: calls the listeners of `dir` if another process committed since the last look.
 * Returns whether it did. The timer calls this; tests call it to look now.
 */
export function checkExternalChanges(dir: string): boolean {
  const w = watches.get(dir);
  if (!w) return false;
  if (!w.store.db.open) {
    stopWatching(dir);
    return false;
  }
  const version = dataVersion(w.store);
  if (version === w.version) return false;
  w.version = version;
  for (const listener of w.listeners) {
    try {
      listener();
    } catch {
      // One listener's failure (a closed window) must not stop the others.
    }
  }
  return true;
}

/**
 * Calls `listener` whenever another process commits to the store's database. The same listener
 * added twice is one listener. Returns a function that removes it.
 */
export function watchExternalChanges(store: ProjectStore, listener: Listener, options: { intervalMs?: number } = {}): () => void {
  let w = watches.get(store.dir);
  if (!w || w.store !== store) {
    if (w) stopWatching(store.dir);
    w = { store, version: dataVersion(store), listeners: new Set(), timer: null };
    watches.set(store.dir, w);
    const timer = setInterval(() => checkExternalChanges(store.dir), options.intervalMs ?? WATCH_INTERVAL_MS);
    // The watch never keeps a CLI or test process alive on its own.
    timer.unref?.();
    w.timer = timer;
  }
  const watch = w;
  watch.listeners.add(listener);
  return () => {
    watch.listeners.delete(listener);
    if (watch.listeners.size === 0 && watches.get(store.dir) === watch) stopWatching(store.dir);
  };
}

export function stopWatching(dir: string): void {
  const w = watches.get(dir);
  if (w?.timer) clearInterval(w.timer);
  watches.delete(dir);
}
