// Messages between the engine host (main thread) and the engine worker thread. Every request
// names a registered job; the worker answers with exactly one `result` or `error` for that id,
// and may send any number of `event`s for it before. Payloads are structured-cloneable.
import type { DomainErrorData } from '../../contract/domain-error';
import type { EngineInfo, EngineOptions } from '../backend/types';

export interface WorkerConfig {
  engine: EngineOptions;
}

export type HostToWorker =
  | { type: 'run'; id: number; job: string; input: unknown }
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'ready'; info: EngineInfo }
  | { type: 'startFailed'; message: string }
  | { type: 'event'; id: number; event: unknown }
  | { type: 'result'; id: number; output: unknown }
  | { type: 'error'; id: number; message: string; stack?: string; /** Set for a DomainError, rebuilt on the host side. */ domain?: DomainErrorData };

/** What a job sees while it runs inside the worker. */
export interface JobContext {
  engine: EngineInfo;
  /** Sends a progress event to the caller (typed per job by its definition). */
  emit(event: unknown): void;
  /** Set when the caller cancelled; long jobs check it between steps. */
  readonly signal: AbortSignal;
  /**
   * Lets the worker's event loop run (cancel messages arrive this way). Backend reads resolve as
   * microtasks, so a job that only awaits tensors never yields: call this between steps.
   */
  yield(): Promise<void>;
}

/**
 * A job the worker can run: `run` gets the (already structured-cloned) input and returns the
 * output. `I`, `O`, `E` are the input, output and event types callers see through the host.
 */
export interface JobDefinition<I = unknown, O = unknown, E = unknown> {
  name: string;
  run(input: I, ctx: JobContext & { emit(event: E): void }): Promise<O>;
}

/** Declares a job with its types; the identity function keeps the types at call sites. */
export function defineJob<I, O, E = never>(job: JobDefinition<I, O, E>): JobDefinition<I, O, E> {
  return job;
}
