// Each WebSocket connection has its own session: one client opening another project never
// redirects another client's writes, a write that names the project it was read from is refused
// once its session has moved on, and project.changed reaches the clients of that project.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../src-main/host/context';
import type { ImageItem, MaskData } from '../../../src-main/contract/project';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { startLoopbackServer, type LoopbackServer } from '../../../src-main/host/transports/server';
import { closeAllStores, openStore } from '../../../src-main/dataset/store/store';
import { makePhoto } from '../../dataset/fixtures/make';
import { tempDir } from '../../helpers/temp';
import { openTestSocket, type Answer } from './ws-clients';

const router = createRouter(handlers);
let server: LoopbackServer;
let cleanup: () => Promise<void>;
let projectX: string;
let projectY: string;

/** A project of two photos (ids 1 and 2), imported through the API. */
async function makeProject(root: string, name: string, size: number): Promise<string> {
  const src = join(root, `${name}-src`);
  await makePhoto(join(src, 'images', 'a.jpg'), size, size);
  await makePhoto(join(src, 'images', 'b.jpg'), size, size + 2);
  const dir = join(root, name);
  const ctx = createContext({ projectDir: null, transport: 'server' }, () => {});
  await router.dispatch('project.open', { dir, create: true }, ctx);
  await router.dispatch('project.import', { source: src, preset: 'images-only' }, ctx);
  return dir;
}

function result<T>(answer: Answer): T {
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.result as T;
}

beforeAll(async () => {
  const t = await tempDir('facet-sessions-');
  cleanup = t.cleanup;
  projectX = await makeProject(t.dir, 'x', 8);
  projectY = await makeProject(t.dir, 'y', 12);
  server = await startLoopbackServer({ router, session: { projectDir: projectX, transport: 'server' }, staticDir: null });
}, 60_000);

afterAll(async () => {
  await server.close();
  closeAllStores();
  await cleanup();
});

describe('sessions per WebSocket connection', () => {
  it("B's masks.save still goes to B's project after A opens another one; nothing lands in A's", async () => {
    const a = await openTestSocket(server.port, server.token);
    const b = await openTestSocket(server.port, server.token);
    const image = result<{ items: ImageItem[] }>(await b.call('images.list', {})).items.find((i) => i.name.startsWith('a'))!;
    const mask = result<MaskData>(await b.call('masks.get', { id: image.id }));

    expect(result<{ dir: string }>(await a.call('project.open', { dir: projectY })).dir).toBe(projectY);
    expect(result<{ projectDir: string }>(await a.call('app.info', {})).projectDir).toBe(projectY);
    expect(result<{ projectDir: string }>(await b.call('app.info', {})).projectDir).toBe(projectX);

    const labels = new Uint8Array(mask.width * mask.height).fill(3);
    const saved = await b.call('masks.save', { id: image.id, width: mask.width, height: mask.height, labels, baseRevision: 0, project: projectX });
    expect(result<{ revision: number }>(saved).revision).toBe(1);

    expect(openStore(projectX).row(image.id).mask_revision).toBe(1);
    expect(openStore(projectY).db.prepare('SELECT COUNT(*) AS n FROM mask_revisions').get()).toEqual({ n: 0 });
    // B hears about its own project's change; A, now on Y, does not (it hears only of Y, which it opened).
    const changedX = (e: { event: string; payload: unknown }) => e.event === 'project.changed' && (e.payload as { dir: string }).dir === projectX;
    expect(b.events.some(changedX)).toBe(true);
    expect(a.events.some(changedX)).toBe(false);
    a.ws.close();
    b.ws.close();
  });

  it('a write naming the project it was read from is refused once that session has another one open', async () => {
    const c = await openTestSocket(server.port, server.token);
    const before = openStore(projectY).db.prepare('SELECT COUNT(*) AS n FROM mask_revisions').get();
    result(await c.call('project.open', { dir: projectY }));
    const refused = await c.call('masks.save', { id: 1, width: 8, height: 8, labels: new Uint8Array(64), project: projectX });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', field: 'project', message: expect.stringContaining(projectX) } });
    expect(await c.call('images.setStatus', { id: 1, status: 'done', project: projectX })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(openStore(projectY).db.prepare('SELECT COUNT(*) AS n FROM mask_revisions').get()).toEqual(before);
    expect(openStore(projectY).row(1).status).toBe('unlabeled');
    c.ws.close();
  });

  it('a new connection starts on the host project, whatever earlier clients opened', async () => {
    const d = await openTestSocket(server.port, server.token);
    expect(result<{ projectDir: string }>(await d.call('app.info', {})).projectDir).toBe(projectX);
    d.ws.close();
  });
});
