// Debian's Chromium driven by playwright-core: never a downloaded browser. Playwright gives each
// launch a fresh temporary profile; the flags keep Chromium off the (closed) network.
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './requirements';

export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
