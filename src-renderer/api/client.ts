// The renderer's only way to the host. Inside Electron it wraps the preload's named methods;
// in a browser it speaks the WebSocket protocol of `facet serve`. Both give the same FacetApi.
import type { EventName, EventPayload, FacetApi, MethodInput, MethodName, MethodOutput } from '@contract/index';
import { ApiError } from '@contract/errors';
import type { IpcResult, PreloadApi } from '@contract/preload-api';
import { decodeWire, encodeWire, type ServerMessage } from '@contract/wire';

export interface ConnectedApi extends FacetApi {
  transport: 'electron' | 'websocket';
  /** Resolves when the connection is lost (WebSocket only). */
  closed: Promise<void>;
}

export function electronApi(preload: PreloadApi): ConnectedApi {
  return {
    transport: 'electron',
    closed: new Promise<void>(() => {}),
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const invoke = preload.methods[method] as (input: MethodInput<M>) => Promise<IpcResult>;
      const reply = await invoke(input);
      if (!reply.ok) throw new ApiError(reply.error);
      return reply.result as MethodOutput<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const subscribe = preload.events[event] as (l: (payload: EventPayload<E>) => void) => () => void;
      return subscribe(listener);
    },
  };
}

export function webSocketUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}

export async function webSocketApi(url: string): Promise<ConnectedApi> {
  const socket = new WebSocket(url);
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url.replace(/token=[^&]*/, 'token=…')}`)), { once: true });
  });

  const closed = new Promise<void>((resolve) => {
    socket.addEventListener('close', () => {
      for (const { reject } of pending.values()) reject(new ApiError({ code: 'internal', message: 'connection to the studio host lost' }));
      pending.clear();
      resolve();
    });
  });

  socket.addEventListener('message', (event: MessageEvent<string>) => {
    const message = decodeWire(event.data) as ServerMessage;
    if (message.type === 'event') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new ApiError(message.error as ConstructorParameters<typeof ApiError>[0]));
  });

  return {
    transport: 'websocket',
    closed,
    call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const id = nextId++;
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(encodeWire({ type: 'call', id, method, input }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
}

/** Picks the transport at start: the preload when present, else the page's own server. */
export async function connectApi(): Promise<ConnectedApi> {
  if (window.facet) return electronApi(window.facet);
  return webSocketApi(webSocketUrl(window.location));
}
