// A stub of the `electron` module with the behaviour the glue relies on: ipcMain refuses a
// second handler for a channel (as Electron does), windows emit `web-contents-created` and
// `closed`, the app is ready when the test says so. Used through vi.mock('electron', ...).
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { url: '' };
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: unknown[][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  /** Emits a navigation-like event; true when a listener prevented it. */
  attempt(name: string, url: string): boolean {
    let prevented = false;
    this.emit(name, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

const app = Object.assign(new EventEmitter(), {
  readyResolve: (() => undefined) as () => void,
  readyPromise: null as Promise<void> | null,
  whenReady(): Promise<void> {
    app.readyPromise ??= new Promise<void>((resolve) => (app.readyResolve = resolve));
    return app.readyPromise;
  },
  quit: vi.fn(),
});

export class FakeBrowserWindow extends EventEmitter {
  static windows: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return [...FakeBrowserWindow.windows];
  }
  readonly webContents = new FakeWebContents();
  destroyed = false;
  loaded: string | null = null;
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    FakeBrowserWindow.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
  }
  show(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    FakeBrowserWindow.windows = FakeBrowserWindow.windows.filter((w) => w !== this);
    this.emit('closed');
  }
}

const handlers = new Map<string, Handler>();
const ipcMain = {
  handlers,
  handle(channel: string, handler: Handler): void {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    handlers.delete(channel);
  },
};

const defaultSession = {
  webRequest: { onHeadersReceived: vi.fn() },
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
};

export const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain,
  session: { defaultSession },
  shell: { openExternal: vi.fn(async () => undefined) },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  net: { fetch: vi.fn() },
};

export default fakeElectron;
