/// <reference path="../../../src-renderer/env.d.ts" />
// (The renderer modules under test expect Vite's `import.meta.hot` and `window.facet` types.)
// An in-memory host for store tests: images with masks, saves with revisions and conflicts,
// and a recorded call log. Installed as the module-level API that `useApi()` returns.
import type { App } from 'vue';
import type { ImageItem, MaskData } from '../../../src-main/contract/project';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../src-main/contract/index';
import { ApiError } from '../../../src-main/contract/errors';
import type { ConnectedApi } from '../../../src-renderer/api/client';
import { provideApi } from '../../../src-renderer/api/use-api';

/** Handlers by method: what a scripted API answers (others: `unknown_method`). */
export type Script = { [M in MethodName]?: (input: MethodInput<M>) => MethodOutput<M> };

export interface ScriptedApi {
  api: ConnectedApi;
  calls: { method: string; input: unknown }[];
  /** Delivers an event to the renderer's subscribers, as the host would. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** Installs, as the API `useApi()` returns, one that answers from `script` a tick later and logs each call. */
export function installScriptedApi(script: Script): ScriptedApi {
  const calls: ScriptedApi['calls'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const api: ConnectedApi = {
    transport: 'websocket',
    closed: new Promise<void>(() => {}),
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      calls.push({ method, input });
      await Promise.resolve();
      const h = script[method] as ((i: MethodInput<M>) => MethodOutput<M>) | undefined;
      if (!h) throw new ApiError({ code: 'unknown_method', message: method });
      return h(input);
    },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  provideApi({ provide: () => undefined } as unknown as App, api);
  return { api, calls, emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)) };
}

export interface FakeHost {
  api: ConnectedApi;
  calls: { method: string; input: unknown }[];
  masks: Map<number, MaskData>;
  items: Map<number, ImageItem>;
  /** Every saved mask by image and revision (what masks.get {revision} and masks.revert read). */
  history: Map<number, { labels: Uint8Array; kind: string; author: string; editSession?: string | undefined }[]>;
  /** Delivers an event to the renderer's subscribers, as the host would. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

function item(id: number, width: number, height: number): ImageItem {
  return { id, name: `img-${id}`, width, height, status: 'unlabeled', split: 'train', splitLocked: false, source: 'test', maskRevision: 0, inTraining: false, trainingOverride: null, updatedAt: '' };
}

export function installFakeHost(count = 3, width = 8, height = 6): FakeHost {
  const items = new Map<number, ImageItem>();
  const masks = new Map<number, MaskData>();
  const history: FakeHost['history'] = new Map();
  for (let id = 1; id <= count; id++) {
    items.set(id, item(id, width, height));
    masks.set(id, { imageId: id, width, height, labels: new Uint8Array(width * height), revision: 0 });
    history.set(id, []);
  }
  const saveRevision = (id: number, labels: Uint8Array, kind: string, author: string): { item: ImageItem; revision: number } => {
    const m = masks.get(id)!;
    const revision = m.revision + 1;
    masks.set(id, { ...m, labels: labels.slice(), revision });
    history.get(id)!.push({ labels: labels.slice(), kind, author });
    const it = { ...items.get(id)!, maskRevision: revision, status: kind === 'human' ? ('in-progress' as const) : items.get(id)!.status };
    items.set(id, it);
    return { item: it, revision };
  };
  const filtered = (input: { status?: string | undefined; search?: string | undefined }) =>
    [...items.values()].filter((i) => (!input.status || i.status === input.status) && (!input.search || i.name.includes(input.search)));
  const handlers: Script = {
    'images.list': (input) => {
      const all = filtered(input);
      const offset = input.offset ?? 0;
      return { total: all.length, items: all.slice(offset, offset + (input.limit ?? 200)) };
    },
    'images.get': (input) => ({ item: items.get(input.id)!, bytes: new Uint8Array([1, 2, 3]), mime: 'image/png' }),
    'masks.get': (input) => {
      const m = masks.get(input.id)!;
      if (input.revision !== undefined) {
        const h = history.get(input.id)![input.revision - 1];
        if (!h) throw new ApiError({ code: 'not_found', message: `no revision ${input.revision}` });
        return { ...m, labels: h.labels.slice(), revision: input.revision };
      }
      return { ...m, labels: m.labels.slice() };
    },
    'masks.save': (input) => {
      const m = masks.get(input.id)!;
      if (input.baseRevision !== undefined && input.baseRevision !== m.revision) {
        throw new ApiError({ code: 'conflict', message: `mask is at revision ${m.revision}` });
      }
      const res = saveRevision(input.id, input.labels, 'human', input.author ?? 'annotator');
      history.get(input.id)!.at(-1)!.editSession = input.editSession;
      return res;
    },
    'masks.revisions': (input) =>
      history.get(input.id)!.map((h, k) => ({ revision: k + 1, kind: h.kind, author: h.author, createdAt: '2026-01-01T00:00:00.000Z', savedAt: '2026-01-01T00:00:00.000Z' })),
    'masks.revert': (input) => {
      const m = masks.get(input.id)!;
      if (input.baseRevision !== undefined && input.baseRevision !== m.revision) throw new ApiError({ code: 'conflict', message: `mask is at revision ${m.revision}` });
      const h = history.get(input.id)![input.revision - 1];
      if (!h) throw new ApiError({ code: 'not_found', message: `no revision ${input.revision}` });
      return saveRevision(input.id, h.labels, `revert:${input.revision}`, input.author ?? 'annotator');
    },
    'images.ids': (input) => filtered(input).map((i) => i.id),
    'images.update': (input) => {
      const changed: ImageItem[] = [];
      for (const id of input.ids) {
        const it = items.get(id);
        if (!it) continue;
        const next = { ...it, ...(input.status ? { status: input.status } : {}), ...(input.split ? { split: input.split, splitLocked: input.splitLocked ?? true } : {}) };
        if (input.inTraining !== undefined) next.trainingOverride = input.inTraining;
        next.inTraining = next.trainingOverride ?? (next.split === 'train' && (next.status === 'done' || next.status === 'reviewed'));
        items.set(id, next);
        changed.push(next);
      }
      return { updated: changed.length, items: changed };
    },
    'images.delete': (input) => {
      let deleted = 0;
      let revisions = 0;
      for (const id of input.ids) {
        if (!items.delete(id)) continue;
        deleted++;
        revisions += history.get(id)?.length ?? 0;
        masks.delete(id);
        history.delete(id);
      }
      return { deleted, revisions };
    },
    'masks.overlay': (input) => ({ bytes: new Uint8Array([1]), mime: 'image/png', revision: masks.get(input.id)!.revision, shares: [1, 0, 0, 0, 0, 0, 0, 0] }),
    'images.setStatus': (input) => {
      const it = { ...items.get(input.id)!, status: input.status };
      items.set(input.id, it);
      return it;
    },
    'images.setTraining': (input) => {
      const was = items.get(input.id)!;
      const it = { ...was, trainingOverride: input.inTraining, inTraining: input.inTraining ?? (was.split === 'train' && (was.status === 'done' || was.status === 'reviewed')) };
      items.set(input.id, it);
      return it;
    },
    'masks.predict': () => {
      throw new ApiError({ code: 'not_found', message: 'no model is available yet' });
    },
  };
  const { api, calls, emit } = installScriptedApi(handlers);
  return { api, calls, masks, items, history, emit };
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
