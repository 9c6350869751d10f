// Electron glue only: the window, its security settings, and the IPC binding of the API.
// Everything the app does lives behind the router, which `facet serve` exposes too.
import { app, BrowserWindow, session as electronSession, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlers } from '../host/handlers/index';
import { createRouter } from '../host/router';
import { bindIpc } from './ipc';
import { contentSecurityPolicy } from '../host/csp';
import { defaultProjectDir } from '../host/project-location';

// better-sqlite3 built for Electron's ABI by `npm start` (scripts/electron-native.mjs); the
// copy in node_modules stays built for Node so the CLI and tests keep working.
const electronSqlite = join(import.meta.dirname, '../native/better_sqlite3.node');
if (existsSync(electronSqlite)) process.env['FACET_SQLITE_BINDING'] ??= electronSqlite;

const CSP = contentSecurityPolicy();

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Facet Studio',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  const rendererUrl = devUrl ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;
  const rendererRoot = devUrl ?? pathToFileURL(join(import.meta.dirname, '../renderer/')).href;

  const router = createRouter(handlers);
  bindIpc(router, { projectDir: defaultProjectDir(), transport: 'electron' }, window, rendererRoot);

  // Links open in the user's browser; the window never navigates away from the studio.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(rendererRoot)) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(rendererUrl);
}

app.whenReady().then(() => {
  electronSession.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  electronSession.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  void createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
