// The studio as the browser tests drive it: `facet serve` on a project, an API client beside it,
// and one Chromium page at a viewport, with the page's uncaught errors collected. One close ends
// them all, whichever of them started.
import type { Browser, Page } from 'playwright-core';
import { apiClient, type TestApiClient } from './api-client';
import { launchChromium } from './browser';
import { startServe, type ServeProcess } from './server';

export interface Studio {
  serve: ServeProcess;
  api: TestApiClient;
  browser: Browser;
  page: Page;
  /** Messages of uncaught errors in the page (a test asserts it stays empty). */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openStudio(project: string, viewport: { width: number; height: number }): Promise<Studio> {
  const serve = await startServe(project);
  let api: TestApiClient | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;
  const close = async (): Promise<void> => {
    api?.close();
    await closeBrowser?.();
    await serve.stop();
  };
  try {
    api = await apiClient(serve);
    const launched = await launchChromium();
    closeBrowser = launched.close;
    const page = await launched.browser.newPage({ viewport });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return { serve, api, browser: launched.browser, page, pageErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
