// The studio shell in Debian's Chromium through `facet serve`: renders, talks to the host over
// the WebSocket, and the server refuses token-less and foreign-origin requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWith } from '../helpers/describe-with';
import { needsChromium } from '../helpers/requirements';
import { startServe, type ServeProcess } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { launchChromium } from '../helpers/browser';

describeWith([needsChromium()], 'studio shell in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    serve = await startServe(t.dir);
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await closeBrowser?.();
    await serve?.stop();
    await cleanup?.();
  });

  it('renders the frame with every room and the host info from an API round trip', async () => {
    await page.goto(serve.url);
    await page.getByTestId('studio-shell').waitFor();
    for (const room of ['gallery', 'editor', 'training', 'evaluation', 'batch']) {
      await expect(page.getByTestId(`nav-${room}`).isVisible()).resolves.toBe(true);
    }
    await page.getByTestId('host-info').waitFor();
    expect(await page.getByTestId('host-info').textContent()).toContain('facet-studio');
    expect(await page.getByTestId('host-info').textContent()).toContain('server');
    expect(await page.getByTestId('connection').textContent()).toContain('connected');
    await page.screenshot({ path: 'test-results/shell.png' });
  });

  it('switches rooms from the rail and keeps the room in the URL', async () => {
    await page.getByTestId('nav-training').click();
    await page.getByTestId('room-training').waitFor();
    expect(new URL(page.url()).hash).toBe('#/training');
    await page.reload();
    await page.getByTestId('room-training').waitFor();
  });

  it('loads assets after the first request through the cookie, not the URL token', async () => {
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(serve.url);
    await page.getByTestId('studio-shell').waitFor();
    expect(failed).toEqual([]);
  });

  it('refuses a request without the token', async () => {
    const res = await fetch(`${serve.origin}/`);
    expect(res.status).toBe(403);
  });

  it('refuses a WebSocket from a page of another origin, even one that knows the token', async () => {
    const foreign: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>foreign</title>');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const port = (foreign.address() as AddressInfo).port;
    const other = await browser.newPage();
    try {
      await other.goto(`http://127.0.0.1:${port}/`);
      const target = `ws://127.0.0.1:${new URL(serve.url).port}/api?token=${serve.token}`;
      const outcome = await other.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        target,
      );
      expect(outcome).toBe('refused');
      const status = await other.evaluate(async (url) => (await fetch(url).catch(() => null))?.status ?? 'blocked', serve.url);
      expect(status).not.toBe(200);
    } finally {
      await other.close();
      foreign.close();
    }
  });
});
