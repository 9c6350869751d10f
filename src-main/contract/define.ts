// Building blocks of the API contract. A method is a zod schema for its input plus a phantom
// output type; an event is a phantom payload type. Nothing here imports electron or node: the
// renderer and the preload import the same definitions.
import type { z } from 'zod';

export interface MethodDef<I extends z.ZodType, O> {
  readonly input: I;
  /** Never read at run time: carries the output type. */
  readonly output?: O;
}

export interface EventDef<P> {
  /** Never read at run time: carries the payload type. */
  readonly payload?: P;
}

/** `method<Output>()(inputSchema)`: two calls so the output type is explicit and the input inferred. */
export function method<O>() {
  return <I extends z.ZodType>(input: I): MethodDef<I, O> => ({ input });
}

export function event<P>(): EventDef<P> {
  return {};
}
