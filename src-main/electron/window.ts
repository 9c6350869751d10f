// The studio window: locked-down web preferences, the API bound over IPC for as long as the
// window lives (unbound when it closes, so macOS `activate` can open a new one), and the page
// loaded from the app's origin.
import { BrowserWindow } from 'electron';
import { handlers } from '../host/handlers/index';
import { createRouter } from '../host/router';
import { bindIpc } from './ipc';
import { defaultProjectDir } from '../host/project-location';

export interface StudioWindowOptions {
  preload: string;
  /** The page to load: `app://studio/index.html`, or the dev server's. */
  url: string;
  /** Origin the page and its IPC calls must come from. */
  appOrigin: string;
}

export async function openStudioWindow(options: StudioWindowOptions): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Facet Studio',
    show: false,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const unbind = bindIpc(createRouter(handlers), { projectDir: defaultProjectDir(), transport: 'electron' }, window, options.appOrigin);
  window.once('closed', unbind);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(options.url);
  return window;
}
