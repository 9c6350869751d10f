// The shape the preload exposes as `window.facet`: derived from the contract, so adding a method
// to the contract adds it here with no other edit.
import type { EventName, EventPayload, MethodInput, MethodName } from './index';
import type { ApiErrorData } from './errors';

export type IpcResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };

export interface PreloadApi {
  methods: { [M in MethodName]: (input: MethodInput<M>) => Promise<IpcResult> };
  events: { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void };
}
