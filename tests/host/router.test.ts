import { describe, expect, it } from 'vitest';
import { handlers } from '../../src-main/host/handlers/index';
import { createContext, type HandlerContext } from '../../src-main/host/context';
import { createRouter } from '../../src-main/host/router';
import { ApiError } from '../../src-main/contract/errors';

function context(): { ctx: HandlerContext; emitted: unknown[] } {
  const emitted: unknown[] = [];
  const ctx = createContext({ projectDir: '/tmp/p', transport: 'server' }, (event, payload) => emitted.push({ event, payload }));
  return { ctx, emitted };
}

async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('router', () => {
  const router = createRouter(handlers);

  it('runs a valid call and applies schema defaults', async () => {
    const { ctx } = context();
    const result = (await router.dispatch('app.ping', { message: 'hi' }, ctx)) as { pong: string };
    expect(result.pong).toBe('hi');
  });

  it('answers app.info with the session it runs in', async () => {
    const { ctx } = context();
    const info = (await router.dispatch('app.info', {}, ctx)) as { name: string; projectDir: string; transport: string };
    expect(info).toMatchObject({ name: 'facet-studio', projectDir: '/tmp/p', transport: 'server' });
  });

  it('refuses an unknown method with unknown_method', async () => {
    const { ctx } = context();
    const error = await errorOf(router.dispatch('app.nope', {}, ctx));
    expect(error.code).toBe('unknown_method');
    expect(error.message).toContain('app.nope');
  });

  it('refuses inherited object keys as method names', async () => {
    const { ctx } = context();
    expect((await errorOf(router.dispatch('toString', {}, ctx))).code).toBe('unknown_method');
    expect((await errorOf(router.dispatch(42, {}, ctx))).code).toBe('unknown_method');
  });

  it('names the field of a bad payload', async () => {
    const { ctx } = context();
    const error = await errorOf(router.dispatch('app.ping', { message: 7 }, ctx));
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('message');
  });

  it('rejects unknown fields and out-of-range values', async () => {
    const { ctx } = context();
    expect((await errorOf(router.dispatch('app.ping', { message: 'x', extra: 1 }, ctx))).code).toBe('invalid_input');
    const range = await errorOf(router.dispatch('app.ping', { message: 'x', delayMs: -5 }, ctx));
    expect(range.field).toBe('delayMs');
  });

  it('turns a thrown non-ApiError into internal and logs it', async () => {
    const failing = createRouter({
      ...handlers,
      'app.ping': async () => {
        throw new TypeError('boom');
      },
    });
    const { ctx, emitted } = context();
    const error = await errorOf(failing.dispatch('app.ping', { message: 'x' }, ctx));
    expect(error.code).toBe('internal');
    expect(error.message).toBe('boom');
    expect(emitted).toHaveLength(1);
  });

  it('serialises errors to plain data and back', () => {
    const error = new ApiError({ code: 'bad_file', message: 'truncated', file: '/a.png' });
    const copy = ApiError.from(JSON.parse(JSON.stringify(error)));
    expect(copy.toJSON()).toEqual({ code: 'bad_file', message: 'truncated', file: '/a.png' });
  });
});
