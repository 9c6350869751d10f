import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { startLoopbackServer, type LoopbackServer } from '../../../src-main/host/transports/server';
import { decodeWire, encodeWire } from '../../../src-main/contract/wire';
import { tempDir } from '../../helpers/temp';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let server: LoopbackServer;
let cleanup: () => Promise<void>;
let staticDir: string;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  staticDir = join(t.dir, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><p>shell</p>');
  server = await startLoopbackServer({
    router: createRouter(handlers),
    session: { projectDir: t.dir, transport: 'server' },
    staticDir,
  });
});

afterAll(async () => {
  await server.close();
  await cleanup();
});

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<{ ok: boolean; result?: unknown; error?: { code: string; field?: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = decodeWire(data.toString()) as { type: string; id: number; ok: boolean };
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg as never);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeWire({ type: 'call', id, method, input }));
  });
}

describe('loopback server', () => {
  it('listens on 127.0.0.1 only, with a random token in its URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('serves the renderer with the token and sets a cookie for later requests', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('shell');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain('HttpOnly');
    const again = await fetch(`http://127.0.0.1:${server.port}/index.html`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(again.status).toBe(200);
  });

  it('refuses requests without the token, with a wrong token, or from a foreign Origin', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${server.port}/?token=${'0'.repeat(48)}`)).status).toBe(403);
    const foreign = await fetch(server.url, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });

  it('refuses path traversal out of the renderer folder', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fetc%2fpasswd?token=${server.token}`);
    expect([403, 404]).toContain(res.status);
  });

  it('carries API calls over the WebSocket, with typed errors for bad ones', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const ok = await call(ws, 1, 'app.ping', { message: 'round trip' });
    expect(ok).toMatchObject({ ok: true, result: { pong: 'round trip' } });
    const bad = await call(ws, 2, 'app.ping', { message: 3 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'message' } });
    const unknown = await call(ws, 3, 'no.such', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    ws.close();
  });

  it('survives a malformed message and keeps answering', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    ws.send('{not json');
    const ok = await call(ws, 9, 'app.ping', { message: 'still here' });
    expect(ok.ok).toBe(true);
    ws.close();
  });

  it('refuses WebSocket upgrades without the token or from a foreign Origin', async () => {
    await expect(openSocket(`ws://127.0.0.1:${server.port}/api`)).rejects.toThrow('403');
    await expect(
      openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow('403');
  });
});
