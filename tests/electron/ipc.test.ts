// The IPC transport against a stub of electron: calls are answered only for the window's own main
// frame on the app's origin (parsed, so a dev-server look-alike host is refused), and unbinding
// frees every channel for the next window.
import { expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { methodNames } from '../../src-main/contract/index';
import { handlers } from '../../src-main/host/handlers/index';
import { createRouter } from '../../src-main/host/router';
import { bindIpc } from '../../src-main/electron/ipc';
import { FakeBrowserWindow, fakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

it('answers the app origin only, and unbinds every channel', async () => {
  const window = new FakeBrowserWindow({ webPreferences: {} });
  const unbind = bindIpc(createRouter(handlers), { projectDir: null, transport: 'electron' }, window as unknown as BrowserWindow, 'http://localhost:5173');
  const ping = fakeElectron.ipcMain.handlers.get('app.ping')!;
  const call = async (url: string): Promise<unknown> => {
    window.webContents.mainFrame.url = url;
    return ping({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, { message: 'hi' });
  };
  expect(await call('http://localhost:5173/')).toMatchObject({ ok: true });
  expect(await call('http://localhost:5173.evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await call('http://localhost:51730/')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  // Another frame of the same window is not trusted either.
  expect(await ping({ sender: window.webContents, senderFrame: { url: 'http://localhost:5173/' } }, { message: 'hi' })).toMatchObject({ ok: false });
  expect(fakeElectron.ipcMain.handlers.size).toBe(methodNames.length);
  unbind();
  expect(fakeElectron.ipcMain.handlers.size).toBe(0);
});
