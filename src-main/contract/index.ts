// The single source of truth for the API: every method and event of every domain. Main
// (handlers, transports), preload and renderer all import their types from here.
import type { z } from 'zod';
import { appEvents, appMethods } from './app';
import { projectEvents, projectMethods } from './project';
import { galleryMethods } from './gallery';
import { projectFileEvents, projectFileMethods } from './project-files';
import { trainingEvents, trainingMethods } from './training';
import { segmentEvents, segmentMethods } from './segment';
import { engineEvents, engineMethods } from './engine';
import { proposalEvents, proposalMethods } from './proposals';
import { modelMethods } from './models';
import type { EventDef, MethodDef } from './define';

export const methods = {
  ...appMethods,
  ...projectMethods,
  ...galleryMethods,
  ...projectFileMethods,
  ...trainingMethods,
  ...segmentMethods,
  ...engineMethods,
  ...proposalMethods,
  ...modelMethods,
} as const;

export const events = {
  ...appEvents,
  ...projectEvents,
  ...projectFileEvents,
  ...trainingEvents,
  ...segmentEvents,
  ...engineEvents,
  ...proposalEvents,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;

type AnyMethod = MethodDef<z.ZodType, unknown>;
/** What a caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = Methods[M] extends AnyMethod ? z.input<Methods[M]['input']> : never;
/** What a handler receives (defaults applied, validated). */
export type ParsedInput<M extends MethodName> = Methods[M] extends AnyMethod ? z.output<Methods[M]['input']> : never;
export type MethodOutput<M extends MethodName> = Methods[M] extends MethodDef<z.ZodType, infer O> ? O : never;
export type EventPayload<E extends EventName> = (typeof events)[E] extends EventDef<infer P> ? P : never;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** The API as the renderer sees it, whatever the transport. */
export interface FacetApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
