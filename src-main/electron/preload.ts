// The preload only forwards: one named function per contract method and one subscription per
// event, nothing else of ipcRenderer reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, methodNames } from '../contract/index';
import type { PreloadApi } from '../contract/preload-api';

const methods = Object.fromEntries(
  methodNames.map((name) => [name, (input: unknown) => ipcRenderer.invoke(name, input)]),
) as unknown as PreloadApi['methods'];

const events = Object.fromEntries(
  eventNames.map((name) => [
    name,
    (listener: (payload: unknown) => void) => {
      const forward = (_e: IpcRendererEvent, event: string, payload: unknown): void => {
        if (event === name) listener(payload);
      };
      ipcRenderer.on('facet:event', forward);
      return (): void => {
        ipcRenderer.removeListener('facet:event', forward);
      };
    },
  ]),
) as unknown as PreloadApi['events'];

const api: PreloadApi = { methods, events };
contextBridge.exposeInMainWorld('facet', api);
