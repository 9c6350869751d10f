// The Electron transport against a stub of the `electron` module (the binary cannot run here):
// each window (webContents) gets its own session, started on the host project and freed when
// the window is destroyed.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpcResult } from '../../src-main/contract/preload-api';
import { tempDir } from '../helpers/temp';

type Invoke = (event: unknown, input: unknown) => Promise<IpcResult>;
const handlersByChannel = vi.hoisted(() => new Map<string, Invoke>());
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Invoke) => {
      if (handlersByChannel.has(channel)) throw new Error(`second handler for ${channel}`);
      handlersByChannel.set(channel, fn);
    },
    removeHandler: (channel: string) => handlersByChannel.delete(channel),
  },
}));

const { bindIpc } = await import('../../src-main/electron/ipc');
const { createRouter } = await import('../../src-main/host/router');
const { handlers } = await import('../../src-main/host/handlers/index');
const { closeAllStores } = await import('../../src-main/dataset/store/store');

const URL_ROOT = 'file:///app/renderer/';

/** A window stub: its webContents emits 'destroyed' like Electron's. */
function stubWindow(id: number) {
  const webContents = Object.assign(new EventEmitter(), { id, mainFrame: { url: `${URL_ROOT}index.html` }, send: () => undefined });
  return { webContents, isDestroyed: () => false };
}

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('facet-ipc-')));
afterAll(async () => {
  closeAllStores();
  await cleanup();
});

async function invoke(window: ReturnType<typeof stubWindow>, method: string, input: unknown): Promise<IpcResult> {
  const fn = handlersByChannel.get(method);
  if (!fn) throw new Error(`no handler for ${method}`);
  return fn({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, input);
}

describe('IPC sessions', () => {
  it('a window that opens a project changes its own session only, and a destroyed window frees it', async () => {
    const host = join(root, 'host');
    const other = join(root, 'other');
    const template = { projectDir: host, transport: 'electron' as const };
    const first = stubWindow(1);
    const unbind = bindIpc(createRouter(handlers), template, first as never, URL_ROOT);
    expect(await invoke(first, 'project.open', { dir: other, create: true })).toMatchObject({ ok: true, result: { dir: other } });
    expect(await invoke(first, 'app.info', {})).toMatchObject({ ok: true, result: { projectDir: other } });
    // The host's own session (the template) is untouched.
    expect(template.projectDir).toBe(host);
    expect(first.webContents.listenerCount('destroyed')).toBe(1);
    first.webContents.emit('destroyed');
    expect(first.webContents.listenerCount('destroyed')).toBe(0);
    unbind();

    // The next window (macOS activate) starts on the host project again.
    const second = stubWindow(2);
    const unbindSecond = bindIpc(createRouter(handlers), template, second as never, URL_ROOT);
    expect(await invoke(second, 'app.info', {})).toMatchObject({ ok: true, result: { projectDir: host } });
    unbindSecond();
  });
});
