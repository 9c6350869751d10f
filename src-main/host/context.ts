// What every handler may use: the session (open project, services) and the event sink of the
// transport that carries the call. Handlers never see electron, sockets or HTTP.
import type { EventName, EventPayload } from '../contract/index';
import type { LogEntry } from '../contract/app';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Session {
  /** The project folder this client works on, or null before one is opened. */
  projectDir: string | null;
  readonly transport: 'electron' | 'server';
}

/**
 * A fresh session for one client (a WebSocket connection, an Electron window), starting on the
 * host's project: what one client opens never changes the project another one writes to.
 */
export function forkSession(template: Session): Session {
  return { projectDir: template.projectDir, transport: template.transport };
}

export interface HandlerContext {
  session: Session;
  emit: Emit;
  log(level: LogEntry['level'], source: string, message: string): void;
}

export function createContext(session: Session, emit: Emit): HandlerContext {
  return {
    session,
    emit,
    log(level, source, message) {
      emit('log', { level, source, message, time: new Date().toISOString() });
    },
  };
}
