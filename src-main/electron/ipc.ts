// The Electron transport: one `ipcMain.handle` per contract method. Calls are accepted only from
// the app's own window and top frame; results and errors are plain clonable data.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { methodNames, type EventName, type EventPayload } from '../contract/index';
import { createContext, forkSession, type HandlerContext, type Session } from '../host/context';
import { toApiError } from '../host/errors';
import type { Router } from '../host/router';
import { isAppUrl } from './navigation';

export type { IpcResult } from '../contract/preload-api';
import type { IpcResult } from '../contract/preload-api';

export const EVENT_CHANNEL = 'facet:event';

function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow, appOrigin: string): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender.id !== window.webContents.id) return false;
  if (frame !== window.webContents.mainFrame) return false;
  // Parsed origins, not a text prefix (which `http://localhost:5173.evil.example` would pass).
  return isAppUrl(frame.url, appOrigin);
}

/** Binds every contract method for `window`; call the returned function when the window closes. */
export function bindIpc(router: Router, session: Session, window: BrowserWindow, appOrigin: string): () => void {
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
  };
  // One session per window (webContents), started from `session` and freed when it closes: what
  // one window opens never redirects another window's writes.
  const contexts = new Map<number, HandlerContext>();
  const contextOf = (event: IpcMainInvokeEvent): HandlerContext => {
    const id = event.sender.id;
    let ctx = contexts.get(id);
    if (!ctx) {
      ctx = createContext(forkSession(session), emit);
      contexts.set(id, ctx);
      event.sender.once('destroyed', () => contexts.delete(id));
    }
    return ctx;
  };
  for (const name of methodNames) {
    ipcMain.handle(name, async (event, input: unknown): Promise<IpcResult> => {
      if (!trustedSender(event, window, appOrigin)) {
        return { ok: false, error: { code: 'forbidden', message: `${name}: call from an untrusted frame` } };
      }
      try {
        return { ok: true, result: await router.dispatch(name, input, contextOf(event)) };
      } catch (error) {
        return { ok: false, error: toApiError(error).toJSON() };
      }
    });
  }
  return () => {
    for (const name of methodNames) ipcMain.removeHandler(name);
  };
}
