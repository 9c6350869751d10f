// The packaged renderer is served from `app://studio/` instead of file:// (Electron security
// checklist: prefer a custom protocol), so the page gets an origin of its own, only files inside
// the renderer folder can be fetched, and every response carries the studio's CSP header.
import { join, normalize } from 'node:path';
import { isInsidePath } from '../dataset/io/paths';
import { contentSecurityPolicy, mimeOf } from '../host/renderer-files';
import { APP_HOST, APP_SCHEME } from './navigation';

/** The CSP of the studio's own pages. In Electron the renderer talks over IPC: no ws, no http. */
export const APP_CSP = contentSecurityPolicy();

/** Privileges of the scheme (registered before the app is ready). */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

export { mimeOf };

/**
 * The file of the renderer folder an `app://studio/...` URL names, or null for any other URL and
 * for any path that would leave the folder (`..`, encoded separators).
 */
export function appFileOf(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const rel = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const file = normalize(join(rendererDir, rel));
  if (file === normalize(rendererDir) || !isInsidePath(file, normalize(rendererDir))) return null;
  return file;
}
