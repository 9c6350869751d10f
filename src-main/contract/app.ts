import { z } from 'zod';
import { event, method } from './define';

export interface AppInfo {
  name: string;
  version: string;
  /** `electron` inside the desktop app, `server` when reached through `facet serve`. */
  transport: 'electron' | 'server';
  node: string;
  platform: string;
  projectDir: string | null;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  source: string;
  message: string;
  time: string;
}

export const appMethods = {
  'app.info': method<AppInfo>()(z.object({}).strict()),
  /** Echo with a delay: the smallest round trip, used by health checks and tests. */
  'app.ping': method<{ pong: string; at: string }>()(
    z.object({ message: z.string().max(1000), delayMs: z.number().int().min(0).max(10_000).default(0) }).strict(),
  ),
};

export const appEvents = {
  log: event<LogEntry>(),
};
