// The process's engine worker, started on first use and shared (API handlers, CLI commands).
import type { EngineOptions } from '../backend/types';
import { EngineHost } from './host';

let host: Promise<EngineHost> | null = null;
let started: EngineHost | null = null;

/** The shared host; a worker that has ended (e.g. after its GPU device was lost) is replaced. */
export function engineHost(options: EngineOptions = {}): Promise<EngineHost> {
  if (started?.isClosed) {
    started = null;
    host = null;
  }
  host ??= EngineHost.start(options).then(
    (h) => (started = h),
    (error: unknown) => {
      host = null;
      throw error;
    },
  );
  return host;
}

/** Ends the shared engine worker (its GPU device and memory with it); the next call starts a new one. */
export async function closeEngineHost(): Promise<void> {
  const h = host;
  host = null;
  started = null;
  if (h) await (await h).close();
}
