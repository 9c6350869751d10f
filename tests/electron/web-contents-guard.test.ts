// The guard on every web contents, in development too: the dev server's look-alike host is not
// the app, frames and redirects are held like top-level navigation.
import { expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import { guardWebContents } from '../../src-main/electron/web-contents-guard';
import { applySessionPolicy } from '../../src-main/electron/session-policy';
import { FakeWebContents } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

it('keeps navigation, redirects and frames on the dev server origin', () => {
  const contents = new FakeWebContents();
  const openExternal = vi.fn();
  guardWebContents(contents as unknown as WebContents, { appOrigin: 'http://localhost:5173', openExternal });
  for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
    expect(contents.attempt(name, 'http://localhost:5173.evil.example/'), name).toBe(true);
    expect(contents.attempt(name, 'http://localhost:5173/src/main.ts'), name).toBe(false);
  }
  expect(contents.openHandler!({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
  expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
  expect(openExternal).not.toHaveBeenCalled();
});

it('puts the CSP on every response and denies permissions', () => {
  const onHeadersReceived = vi.fn();
  const setPermissionRequestHandler = vi.fn();
  const setPermissionCheckHandler = vi.fn();
  applySessionPolicy({ webRequest: { onHeadersReceived }, setPermissionRequestHandler, setPermissionCheckHandler } as never, "default-src 'self'");
  const rewrite = onHeadersReceived.mock.calls[0]![0] as (d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void;
  const callback = vi.fn();
  rewrite({ responseHeaders: { 'Content-Security-Policy': ['*'], 'X-Other': ['1'] } }, callback);
  expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': ["default-src 'self'"], 'X-Other': ['1'] } });
  expect((setPermissionCheckHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
});
