// The app's life as main.ts starts it, against a stub of electron: the API is bound once per
// window and unbound when it closes, so macOS `activate` after closing the window opens a new one
// (a second ipcMain.handle for a channel throws in Electron); every web contents is guarded; the
// session denies permission requests and checks; the page is served from app://studio.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { methodNames } from '../../src-main/contract/index';
import { FakeBrowserWindow, fakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  delete process.env['ELECTRON_RENDERER_URL'];
  await import('../../src-main/electron/main');
  fakeElectron.app.whenReady();
  fakeElectron.app.readyResolve();
  await vi.waitFor(() => expect(FakeBrowserWindow.windows[0]?.loaded).toBeTruthy());
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
});

it('opens one locked-down window on ready, with every API method bound', () => {
  const [window] = FakeBrowserWindow.windows;
  expect(window!.loaded).toBe('app://studio/index.html');
  expect(window!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  expect([...fakeElectron.ipcMain.handlers.keys()].sort()).toEqual([...methodNames].sort());
});

it('registers the app scheme and denies every permission request and check', () => {
  expect(fakeElectron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })]);
  expect(fakeElectron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  const check = fakeElectron.session.defaultSession.setPermissionCheckHandler.mock.calls[0]![0] as () => boolean;
  expect(check()).toBe(false);
  const request = fakeElectron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]![0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
  const answer = vi.fn();
  request({}, 'media', answer);
  expect(answer).toHaveBeenCalledWith(false);
});

it('guards the window web contents: no navigation off the app, no new windows, no webview', () => {
  const contents = FakeBrowserWindow.windows[0]!.webContents;
  expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
  expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
  expect(contents.attempt('will-navigate', 'app://studio/index.html#/train')).toBe(false);
  expect(contents.attempt('will-attach-webview', 'app://studio/')).toBe(true);
  expect(contents.openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
  expect(fakeElectron.shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
});

it('unbinds the API when the window closes, and activate opens a working new window', async () => {
  FakeBrowserWindow.windows[0]!.close();
  expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  fakeElectron.app.emit('activate');
  await vi.waitFor(() => expect(FakeBrowserWindow.windows[0]?.loaded).toBeTruthy());
  expect(FakeBrowserWindow.windows).toHaveLength(1);
  expect(fakeElectron.ipcMain.handlers.size).toBe(methodNames.length);
  expect(rejections).toEqual([]);
  // The new window is served: a trusted call from its page gets an answer.
  const window = FakeBrowserWindow.windows[0]!;
  const ping = fakeElectron.ipcMain.handlers.get('app.ping')!;
  const answer = await ping({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, { message: 'hi' });
  expect(answer).toMatchObject({ ok: true, result: { pong: 'hi' } });
});
