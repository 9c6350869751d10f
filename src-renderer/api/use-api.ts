// Components and stores reach the API through `useApi()`, never through a transport directly.
import { hasInjectionContext, inject, type App, type InjectionKey } from 'vue';
import type { ConnectedApi } from './client';

const API_KEY: InjectionKey<ConnectedApi> = Symbol('facet-api');
let current: ConnectedApi | null = null;

export function provideApi(app: App, api: ConnectedApi): void {
  current = api;
  app.provide(API_KEY, api);
}

/** Works in components (inject) and in store actions (the module-level instance). */
export function useApi(): ConnectedApi {
  const injected = hasInjectionContext() ? inject(API_KEY, null) : null;
  const api = injected ?? current;
  if (!api) throw new Error('the API client is not connected yet');
  return api;
}
