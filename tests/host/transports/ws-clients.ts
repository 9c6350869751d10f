// Clients for the loopback server's tests: a ws client that waits for answers by id (and keeps
// the events it got), and a raw TCP socket that completes the upgrade handshake by hand so a
// test can write any bytes, well-formed frames or not.
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { decodeWire, encodeWire, type ServerMessage } from '../../../src-main/contract/wire';

export type Answer = Extract<ServerMessage, { type: 'result' }>;

export interface TestSocket {
  ws: WebSocket;
  events: Extract<ServerMessage, { type: 'event' }>[];
  call(method: string, input: unknown): Promise<Answer>;
  /** Sends a raw text message and resolves with the next answer to it (any id). */
  sendRaw(text: string): Promise<Answer>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function openTestSocket(port: number, token: string): Promise<TestSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
  // An error (e.g. the server closing with 1009) only ends this client; `closed` reports it.
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events: TestSocket['events'] = [];
  const waiting = new Map<number, (a: Answer) => void>();
  const rawWaiters: ((a: Answer) => void)[] = [];
  ws.on('message', (data) => {
    const m = decodeWire(data.toString()) as ServerMessage;
    if (m.type === 'event') events.push(m);
    else {
      const byId = waiting.get(m.id);
      if (byId) {
        waiting.delete(m.id);
        byId(m);
      } else rawWaiters.shift()?.(m);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  let next = 1;
  return {
    ws,
    events,
    closed,
    call(method, input) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(encodeWire({ type: 'call', id, method, input }));
      });
    },
    sendRaw(text) {
      return new Promise((resolve) => {
        rawWaiters.push(resolve);
        ws.send(text);
      });
    },
  };
}

/** A TCP socket past the WebSocket handshake on /api; `ended` resolves when the server closes it. */
export async function rawUpgradedSocket(port: number, token: string): Promise<{ socket: Socket; ended: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        [
          `GET /api?token=${token} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
  return { socket, ended };
}

/** A masked client frame (FIN set) with the given opcode and payload, all-zero mask key. */
export function maskedFrame(opcode: number, payload: Uint8Array): Buffer {
  if (payload.length > 125) throw new RangeError('maskedFrame: short payloads only');
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}
