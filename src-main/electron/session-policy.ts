// The session's rules: the studio's CSP on every response, and every permission (camera, geo,
// notifications, clipboard…) denied, both when a page asks (request) and when it checks (check).
import type { Session } from 'electron';

export function applySessionPolicy(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
