// The loopback transport: HTTP serves the built renderer, a WebSocket carries the API.
// Bound to 127.0.0.1 only. Every request must carry the session token (query `token=` once,
// then an HttpOnly cookie) and, when it has an Origin, come from this server's own origin;
// anything else gets 403. The Host check stops DNS-rebinding pages from reaching us by name.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { isEventName, type EventName, type EventPayload } from '../../contract/index';
import { createContext, type Session } from '../context';
import { isInsidePath } from '../../dataset/io/paths';
import { contentSecurityPolicy, mimeOf } from '../renderer-files';
import { toApiError } from '../errors';
import type { Router } from '../router';
import { decodeWire, encodeWire, type ClientMessage, type ServerMessage } from '../../contract/wire';

export interface LoopbackServerOptions {
  router: Router;
  session: Session;
  /** Folder of the built renderer (index.html + assets); null serves only the API. */
  staticDir: string | null;
  port?: number;
  token?: string;
}

export interface LoopbackServer {
  url: string;
  port: number;
  token: string;
  /** Sends an event to every connected client (e.g. progress of a run started elsewhere). */
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const COOKIE = 'facet_token';

function csp(port: number): string {
  return contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const sockets = new Set<WebSocket>();
  let port = 0;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  /** Null when allowed, else the reason for the 403. */
  function refusal(req: IncomingMessage, url: URL): string | null {
    if (!allowedHosts().includes(req.headers.host ?? '')) return 'foreign host';
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return 'foreign origin';
    const given = url.searchParams.get('token') ?? cookieToken(req);
    if (!sameToken(given ?? undefined, token)) return 'missing or wrong token';
    return null;
  }

  async function serveStatic(url: URL, res: ServerResponse): Promise<void> {
    if (!options.staticDir) {
      res.writeHead(404).end('no renderer build');
      return;
    }
    const root = normalize(options.staticDir);
    const relative = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    let file = normalize(join(root, relative));
    if (!isInsidePath(file, root)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      // Client-side routes fall back to the app shell.
      if (extname(relative) !== '') {
        res.writeHead(404).end('not found');
        return;
      }
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(404).end('renderer not built: run `npm run build:renderer`');
        return;
      }
    }
    res.writeHead(200, {
      'Content-Type': mimeOf(file),
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reason = refusal(req, url);
    res.setHeader('Content-Security-Policy', csp(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (reason) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`forbidden: ${reason}`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    serveStatic(url, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reason = url.pathname === '/api' ? refusal(req, url) : 'not the API path';
    if (reason) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nforbidden: ${reason}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  function send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(message));
  }

  function broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const ws of sockets) send(ws, { type: 'event', event, payload });
  }

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const ctx = createContext(options.session, broadcast);
    ws.on('message', (data) => {
      let message: ClientMessage;
      try {
        const decoded = decodeWire(data.toString()) as Partial<ClientMessage>;
        if (decoded.type !== 'call' || typeof decoded.id !== 'number') throw new Error('not a call');
        message = decoded as ClientMessage;
      } catch {
        ws.send(encodeWire({ type: 'result', id: -1, ok: false, error: { code: 'invalid_input', message: 'malformed message' } }));
        return;
      }
      options.router
        .dispatch(message.method, message.input, ctx)
        .then((result) => send(ws, { type: 'result', id: message.id, ok: true, result }))
        .catch((error: unknown) => send(ws, { type: 'result', id: message.id, ok: false, error: toApiError(error).toJSON() }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    broadcast(event, payload) {
      if (isEventName(event)) broadcast(event, payload);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
