/// <reference path="../../../src-renderer/env.d.ts" />
// (The renderer modules under test expect Vite's `import.meta.hot` and `window.facet` types.)
// An in-memory host for store tests: images with masks, saves with revisions and conflicts,
// and a recorded call log. Installed as the module-level API that `useApi()` returns.
import type { App } from 'vue';
import type { ImageItem, MaskData } from '../../../src-main/contract/project';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-main/contract/index';
import { ApiError } from '../../../src-main/contract/errors';
import type { ConnectedApi } from '../../../src-renderer/api/client';
import { provideApi } from '../../../src-renderer/api/use-api';

export interface FakeHost {
  api: ConnectedApi;
  calls: { method: string; input: unknown }[];
  masks: Map<number, MaskData>;
  items: Map<number, ImageItem>;
}

function item(id: number, width: number, height: number): ImageItem {
  return { id, name: `img-${id}`, width, height, status: 'unlabeled', split: 'train', source: 'test', maskRevision: 0, inTraining: false, updatedAt: '' };
}

export function installFakeHost(count = 3, width = 8, height = 6): FakeHost {
  const calls: FakeHost['calls'] = [];
  const items = new Map<number, ImageItem>();
  const masks = new Map<number, MaskData>();
  for (let id = 1; id <= count; id++) {
    items.set(id, item(id, width, height));
    masks.set(id, { imageId: id, width, height, labels: new Uint8Array(width * height), revision: 0 });
  }
  const handlers: { [M in MethodName]?: (input: MethodInput<M>) => MethodOutput<M> } = {
    'images.list': (input) => {
      const all = [...items.values()].filter((i) => !input.status || i.status === input.status);
      const offset = input.offset ?? 0;
      return { total: all.length, items: all.slice(offset, offset + (input.limit ?? 200)) };
    },
    'images.get': (input) => ({ item: items.get(input.id)!, bytes: new Uint8Array([1, 2, 3]), mime: 'image/png' }),
    'masks.get': (input) => {
      const m = masks.get(input.id)!;
      return { ...m, labels: m.labels.slice() };
    },
    'masks.save': (input) => {
      const m = masks.get(input.id)!;
      if (input.baseRevision !== undefined && input.baseRevision !== m.revision) {
        throw new ApiError({ code: 'conflict', message: `mask is at revision ${m.revision}` });
      }
      const revision = m.revision + 1;
      masks.set(input.id, { ...m, labels: input.labels.slice(), revision });
      const it = { ...items.get(input.id)!, maskRevision: revision, status: 'in-progress' as const };
      items.set(input.id, it);
      return { item: it, revision };
    },
    'images.setStatus': (input) => {
      const it = { ...items.get(input.id)!, status: input.status };
      items.set(input.id, it);
      return it;
    },
    'images.setTraining': (input) => {
      const it = { ...items.get(input.id)!, inTraining: input.inTraining };
      items.set(input.id, it);
      return it;
    },
    'masks.predict': () => {
      throw new ApiError({ code: 'not_found', message: 'no model is available yet' });
    },
  };
  const api: ConnectedApi = {
    transport: 'websocket',
    closed: new Promise<void>(() => {}),
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      calls.push({ method, input });
      await Promise.resolve();
      const h = handlers[method] as ((i: MethodInput<M>) => MethodOutput<M>) | undefined;
      if (!h) throw new ApiError({ code: 'unknown_method', message: method });
      return h(input);
    },
    on: () => () => {},
  };
  provideApi({ provide: () => undefined } as unknown as App, api);
  return { api, calls, masks, items };
}

/** Enough of localStorage for the stores' settings. */
export function installLocalStorage(): void {
  const data = new Map<string, string>();
  (globalThis as { localStorage?: Storage }).localStorage = {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
}
