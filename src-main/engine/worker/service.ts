// The process's engine worker, started on first use and shared (API handlers, CLI commands).
import type { EngineOptions } from '../backend/types';
import { EngineHost } from './host';

let host: Promise<EngineHost> | null = null;

export function engineHost(options: EngineOptions = {}): Promise<EngineHost> {
  host ??= EngineHost.start(options).catch((error: unknown) => {
    host = null;
    throw error;
  });
  return host;
}
