// A bounded, seeded fuzz of the loopback server (in its own process, as `facet serve`):
// malformed frames over raw sockets, garbage messages, and schema-invalid calls to every method
// of the contract. Afterwards the server still answers a ping and the project's database passes
// SQLite's integrity check. Fixed counts, loopback only; a failure prints the seed and the input.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createContext } from '../../../src-main/host/context';
import { methodNames, methods, type MethodName } from '../../../src-main/contract/index';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter, validateInput } from '../../../src-main/host/router';
import { closeAllStores, DB_FILE } from '../../../src-main/dataset/store/store';
import { makePhoto } from '../../dataset/fixtures/make';
import { tempDir } from '../../helpers/temp';
import { startApiServerProcess, type ApiServerProcess } from './api-server-process';
import { openTestSocket, rawUpgradedSocket } from './ws-clients';

const SEED = 20261201;
const FRAMES = 40;
const GARBAGE_MESSAGES = 30;
const CALLS_PER_METHOD = 12;

/** mulberry32: a small seeded generator, so every run sends the same inputs. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const STRINGS = ['', '../../etc/passwd', '/proc/self', 'x'.repeat(5000), '\u0000', '%E0%A4%A', 'train', '#zzzzzz', '💥', 'a'.repeat(300)];
const NUMBERS = [-1, 0, 0.5, 1, 7, 8, 255, 1e9, -1e9, 2 ** 53, 1e308, -0];

function randomValue(depth: number): unknown {
  switch (int(depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(NUMBERS);
    case 3:
      return pick(STRINGS);
    case 4:
      return new Uint8Array(int(64)).map(() => int(256));
    case 5:
      return Array.from({ length: int(5) }, () => randomValue(depth + 1));
    case 6:
      return [pick(NUMBERS), pick(NUMBERS), pick(NUMBERS)];
    default: {
      // fromEntries makes '__proto__' an own key, as JSON.parse does on the server.
      return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['id', 'dir', 'kind', 'x', '__proto__', 'config']), randomValue(depth + 1)]));
    }
  }
}

function keysOf(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** An input the method's schema refuses: its own keys with random values, sometimes an extra key. */
function invalidInput(name: MethodName): unknown {
  const keys = keysOf(methods[name].input);
  for (let attempt = 0; attempt < 100; attempt++) {
    const input: unknown =
      random() < 0.15
        ? randomValue(3)
        : Object.fromEntries([...keys.filter(() => random() < 0.7), ...(random() < 0.3 ? ['unexpected'] : [])].map((k) => [k, randomValue(1)]));
    try {
      validateInput(name, input);
    } catch {
      return input;
    }
  }
  throw new Error(`${name}: no schema-invalid input found in 100 tries (seed ${SEED})`);
}

function randomFrame(): Buffer {
  const bytes = Buffer.alloc(1 + int(24));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
  // Half the time a plausible header: FIN + a known or reserved opcode, mask bit random.
  if (random() < 0.5) {
    bytes[0] = (random() < 0.8 ? 0x80 : 0) | (random() < 0.3 ? 0x40 : 0) | pick([0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb, 0xf]);
  }
  return bytes;
}

function randomGarbage(): string {
  return pick([
    () => '{not json',
    () => JSON.stringify(randomValue(0)),
    () => JSON.stringify({ type: 'call', id: pick(['1', null, 1.5e300, -0]), method: 'app.ping', input: {} }),
    () => JSON.stringify({ type: 'call', id: int(1000), method: pick(['', 'no.such', '__proto__', 'constructor']), input: randomValue(1) }),
    () => JSON.stringify({ type: 'call', id: int(1000), method: 'masks.save', input: { labels: { $bytes: pick(['@@@', 'A', 'AB=C', '====']) } } }),
    () => '\u0000'.repeat(int(100)),
  ])();
}

let child: ApiServerProcess;
let project: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir('facet-fuzz-');
  cleanup = t.cleanup;
  project = join(t.dir, 'p');
  const src = join(t.dir, 'src');
  for (let i = 0; i < 3; i++) await makePhoto(join(src, 'images', `f${i}.jpg`), 16, 16 + i);
  const router = createRouter(handlers);
  const ctx = createContext({ projectDir: null, transport: 'server' }, () => {});
  await router.dispatch('project.open', { dir: project, create: true }, ctx);
  await router.dispatch('project.import', { source: src, preset: 'images-only' }, ctx);
  closeAllStores();
  child = await startApiServerProcess(project);
}, 60_000);

afterAll(async () => {
  await child.stop();
  await cleanup();
});

describe(`loopback server fuzz (seed ${SEED})`, () => {
  it('survives malformed frames, garbage messages and schema-invalid calls to every method', async () => {
    for (let i = 0; i < FRAMES; i++) {
      const frame = randomFrame();
      const { socket, ended } = await rawUpgradedSocket(child.port, child.token);
      socket.write(frame);
      // An incomplete frame leaves the server waiting for more: ending our side bounds that.
      socket.end();
      await ended;
      expect(child.exitCode(), `frame ${frame.toString('hex')}:\n${child.output()}`).toBeNull();
    }

    const client = await openTestSocket(child.port, child.token);
    for (let i = 0; i < GARBAGE_MESSAGES; i++) {
      const text = randomGarbage();
      const answer = await Promise.race([client.sendRaw(text), client.closed.then(() => null)]);
      expect(answer, `message ${JSON.stringify(text.slice(0, 200))}`).toMatchObject({ ok: false });
    }

    let calls = 0;
    for (const name of methodNames) {
      for (let i = 0; i < CALLS_PER_METHOD; i++) {
        const input = invalidInput(name);
        const answer = await Promise.race([client.call(name, input), client.closed.then(() => null)]);
        expect(answer, `${name} ${String(JSON.stringify(input)).slice(0, 300)}`).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
        calls++;
      }
    }
    expect(calls).toBe(methodNames.length * CALLS_PER_METHOD);

    expect(await client.call('app.ping', { message: 'after the fuzz' })).toMatchObject({ ok: true, result: { pong: 'after the fuzz' } });
    client.ws.close();

    const db = new Database(join(project, DB_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT COUNT(*) AS n FROM images').get()).toEqual({ n: 3 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM mask_revisions').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 60_000);
});
