// A minimal API client over the same WebSocket protocol the renderer uses, so browser tests can
// check what the page shows against what the host answers.
import WebSocket from 'ws';
import type { MethodInput, MethodName, MethodOutput } from '../../src-main/contract/index';
import { decodeWire, encodeWire, type ServerMessage } from '../../src-main/contract/wire';
import type { ServeProcess } from './server';

export interface TestApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  close(): void;
}

export async function apiClient(serve: ServeProcess): Promise<TestApiClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${new URL(serve.url).port}/api?token=${serve.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (m: ServerMessage) => void>();
  ws.on('message', (data) => {
    const m = decodeWire(data.toString()) as ServerMessage;
    if (m.type === 'result') waiting.get(m.id)?.(m);
  });
  return {
    call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, (m) => {
          waiting.delete(id);
          if (m.type === 'result' && m.ok) resolve(m.result as MethodOutput<M>);
          else if (m.type === 'result') reject(new Error(`${method}: ${m.error.code}: ${m.error.message}`));
        });
        ws.send(encodeWire({ type: 'call', id, method, input }));
      });
    },
    close: () => ws.close(),
  };
}
