// The app's life: the `app://` scheme registered before ready, then on ready the session policy,
// the renderer protocol and the first window; a guard on every web contents ever created; a new
// window on macOS `activate` when none is open. main.ts only calls startApp().
import { app, BrowserWindow, net, protocol, session, shell } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_CSP, APP_SCHEME_PRIVILEGES, appFileOf, mimeOf } from './app-protocol';
import { APP_ORIGIN, APP_SCHEME, devServerOrigin } from './navigation';
import { applySessionPolicy } from './session-policy';
import { guardWebContents } from './web-contents-guard';
import { openStudioWindow } from './window';

export interface AppPaths {
  /** The bundled renderer folder (index.html and assets). */
  rendererDir: string;
  /** The bundled preload script. */
  preload: string;
  /** ELECTRON_RENDERER_URL in development (a loopback dev server), else undefined. */
  devUrl: string | undefined;
}

/** What the window loads and which origin counts as the app's. */
export function pagePlan(paths: AppPaths): { url: string; appOrigin: string } {
  if (paths.devUrl !== undefined) {
    const origin = devServerOrigin(paths.devUrl);
    if (!origin) throw new Error(`ELECTRON_RENDERER_URL must be an http URL on localhost, got ${paths.devUrl}`);
    return { url: paths.devUrl, appOrigin: origin };
  }
  return { url: `${APP_ORIGIN}/index.html`, appOrigin: APP_ORIGIN };
}

async function serveAppFile(request: Request, rendererDir: string): Promise<Response> {
  const file = appFileOf(request.url, rendererDir);
  if (!file) return new Response('not found', { status: 404 });
  const response = await net.fetch(pathToFileURL(file).href);
  if (!response.ok) return new Response('not found', { status: 404 });
  return new Response(response.body, {
    status: 200,
    headers: { 'Content-Type': mimeOf(file), 'Content-Security-Policy': APP_CSP, 'X-Content-Type-Options': 'nosniff' },
  });
}

export function startApp(paths: AppPaths): void {
  const plan = pagePlan(paths);
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, { appOrigin: plan.appOrigin, openExternal: (url) => void shell.openExternal(url) });
  });

  const open = (): void => {
    openStudioWindow({ preload: paths.preload, ...plan }).catch((error: unknown) => {
      process.stderr.write(`facet studio: cannot open the window: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  };

  void app.whenReady().then(() => {
    applySessionPolicy(session.defaultSession, APP_CSP);
    protocol.handle(APP_SCHEME, (request) => serveAppFile(request, paths.rendererDir));
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
