// Which URLs belong to the studio: decided on parsed URLs, never on string prefixes (a prefix
// check lets `http://localhost:5173.evil.example` pass for `http://localhost:5173`). Pure: no
// Electron imports, so it is unit-tested directly.

/** The scheme and host the packaged renderer is served from (see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The dev server URL electron-vite hands over (ELECTRON_RENDERER_URL), accepted only on a loopback
 * host over http: the studio never loads remote content. Returns its origin, or null.
 */
export function devServerOrigin(value: string | undefined): string | null {
  if (!value) return null;
  const url = parse(value);
  if (!url || url.protocol !== 'http:' || url.username || url.password) return null;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  return url.origin;
}

/** `url` is a page of the studio served from `appOrigin` (same scheme, host and port). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const parsed = parse(url);
  const app = parse(appOrigin);
  if (!parsed || !app) return false;
  // Custom schemes have an opaque `origin` ("null"): compare the parts instead.
  return parsed.protocol === app.protocol && parsed.host === app.host && parsed.username === '' && parsed.password === '';
}

/** Links the user may follow out of the studio: https only, opened in their browser. */
export function externalUrl(url: string): string | null {
  const parsed = parse(url);
  return parsed && parsed.protocol === 'https:' && !parsed.username && !parsed.password ? parsed.href : null;
}
