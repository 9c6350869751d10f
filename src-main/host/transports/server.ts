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
import { maxMessageBytes } from '../../contract/limits';
import { decodeWire, encodeWireBytes, WireBytesError, type ClientMessage, type ServerMessage } from '../../contract/wire';
import { isInsidePath } from '../../dataset/io/paths';
import { createContext, forkSession, type Session } from '../context';
import { toApiError } from '../errors';
import { contentSecurityPolicy, mimeOf } from '../renderer-files';
import type { Router } from '../router';

export interface LoopbackServerOptions {
  router: Router;
  /** Where each connection's own session starts (`project.open` changes only that connection's). */
  session: Session;
  /** Folder of the built renderer (index.html + assets); null serves only the API. */
  staticDir: string | null;
  port?: number;
  token?: string;
  /** Largest photo the studio accepts, in pixels: sets the largest message (a mask that size). */
  maxPixels?: number;
}

export interface LoopbackServer {
  url: string;
  port: number;
  token: string;
  /** Sends an event to every connected client (e.g. progress of a run started elsewhere);
   * `project.changed` goes only to the clients whose session has that project open. */
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

/** The path without its percent escapes, or null when an escape is malformed (`%E0%A4%A`). */
function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** The call's id when a message is an object with a numeric id, else -1 (nothing to answer to). */
function callId(message: unknown): number {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isFinite(id) ? id : -1;
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
  /** Every open connection and its own session. */
  const sockets = new Map<WebSocket, Session>();
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
    const path = decodedPath(url);
    if (path === null) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request: malformed percent escape in the path');
      return;
    }
    const relative = path.replace(/^\/+/, '') || 'index.html';
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
    res.setHeader('Content-Security-Policy', csp(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const url = requestUrl(req);
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request: malformed URL');
      return;
    }
    const reason = refusal(req, url);
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

  // A larger frame is refused by its length header, before it is buffered: ws closes that
  // connection with 1009 "Max payload size exceeded".
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes(options.maxPixels) });
  wss.on('error', (error) => process.stderr.write(`facet serve: WebSocket server: ${error.message}\n`));

  server.on('upgrade', (req, socket, head) => {
    // A client that resets mid-handshake must not take the server down.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    const reason = !url ? 'malformed URL' : url.pathname === '/api' ? refusal(req, url) : 'not the API path';
    if (reason) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nforbidden: ${reason}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  function send(ws: WebSocket, message: ServerMessage): void {
    // Already UTF-8 (large masks spliced in as base64), sent as a text frame.
    if (ws.readyState === ws.OPEN) ws.send(encodeWireBytes(message), { binary: false });
  }

  function broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const dir = event === 'project.changed' ? (payload as EventPayload<'project.changed'>).dir : null;
    for (const [ws, session] of sockets) {
      if (dir === null || session.projectDir === dir) send(ws, { type: 'event', event, payload });
    }
  }

  function refuse(ws: WebSocket, id: number, error: { message: string; field?: string }): void {
    send(ws, { type: 'result', id, ok: false, error: { code: 'invalid_input', ...error } });
  }

  wss.on('connection', (ws: WebSocket) => {
    const session = forkSession(options.session);
    sockets.set(ws, session);
    ws.on('close', () => sockets.delete(ws));
    // A malformed frame (bad length, reserved bits, invalid UTF-8, unmasked) is an 'error' here;
    // ws has already closed this connection with the matching close code. Only it goes.
    ws.on('error', () => sockets.delete(ws));
    const ctx = createContext(session, broadcast);
    ws.on('message', (data) => {
      let message: ClientMessage;
      try {
        const decoded = decodeWire(data.toString()) as Partial<ClientMessage>;
        if (typeof decoded !== 'object' || decoded === null || decoded.type !== 'call' || typeof decoded.id !== 'number') throw new Error('not a call');
        message = decoded as ClientMessage;
      } catch (error) {
        if (error instanceof WireBytesError) {
          const method = (error.decoded as { method?: unknown } | null)?.method;
          const name = typeof method === 'string' ? `${method.slice(0, 100)}: ` : '';
          refuse(ws, callId(error.decoded), { field: error.field, message: `${name}${error.message}` });
        } else {
          refuse(ws, -1, { message: 'malformed message: expected a JSON text {"type":"call","id":<number>,"method":…,"input":…}' });
        }
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
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
