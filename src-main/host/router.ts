// Dispatches a call by name: validates the input against the contract's schema, runs the
// handler, and turns every failure into an ApiError (host/errors.ts). Transports call only `dispatch`.
import type { z } from 'zod';
import { isMethodName, methods, type MethodName, type MethodOutput, type ParsedInput } from '../contract/index';
import { invalidInput, toApiError, unknownMethod } from './errors';
import type { HandlerContext } from './context';

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: HandlerContext) => Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

export interface Router {
  dispatch(method: unknown, input: unknown, ctx: HandlerContext): Promise<unknown>;
}

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.') || '(input)';
}

export function validateInput<M extends MethodName>(name: M, input: unknown): ParsedInput<M> {
  const schema: z.ZodType = methods[name].input;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? fieldOf(issue) : '(input)';
    const detail = issue ? issue.message : 'invalid input';
    throw invalidInput(field, `${name}: ${field}: ${detail}`);
  }
  return parsed.data as ParsedInput<M>;
}

export function createRouter(handlers: Handlers): Router {
  return {
    async dispatch(method, input, ctx) {
      if (!isMethodName(method)) {
        throw unknownMethod(method);
      }
      const parsed = validateInput(method, input);
      const handler = handlers[method] as Handler<typeof method>;
      try {
        return await handler(parsed, ctx);
      } catch (error) {
        const apiError = toApiError(error);
        if (apiError.code === 'internal') ctx.log('error', method, apiError.message);
        throw apiError;
      }
    },
  };
}
