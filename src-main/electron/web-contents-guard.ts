// Every web contents the app creates (windows, and anything a page might try to open) is held
// to the studio: no navigation or redirect off the app's origin, no new windows (https links go
// to the user's browser), no <webview>. Applied from `web-contents-created`, so nothing escapes it.
import type { WebContents } from 'electron';
import { externalUrl, isAppUrl } from './navigation';

export interface GuardOptions {
  appOrigin: string;
  openExternal(url: string): void;
}

export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const stayInApp = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url, options.appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  // Frames too (an iframe navigating off the app), which will-navigate does not see.
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrl(url);
    if (external) options.openExternal(external);
    return { action: 'deny' };
  });
}
