// Writes by other processes become `project.changed` for the clients that have the project open:
// a `facet import` in a terminal shows up in an open gallery without a reload.
import type { HandlerContext } from '../context';
import type { ProjectStore } from '../../dataset/store/store';
import { watchExternalChanges } from '../../dataset/store/watch';

type Emit = HandlerContext['emit'];

// One listener per event sink and project, so registering on every call adds nothing.
const listeners = new WeakMap<Emit, Map<string, () => void>>();

/** Started on a project's first use by a client (its event sink); idempotent. */
export function watchForOtherWriters(store: ProjectStore, ctx: HandlerContext): void {
  const emit = ctx.emit;
  let byDir = listeners.get(emit);
  if (!byDir) listeners.set(emit, (byDir = new Map()));
  let listener = byDir.get(store.dir);
  if (!listener) {
    const dir = store.dir;
    // null: anything may have changed (rows, counts, masks), as after an import in this process.
    listener = () => emit('project.changed', { dir, imageIds: null });
    byDir.set(dir, listener);
  }
  watchExternalChanges(store, listener);
}
