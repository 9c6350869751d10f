// The loopback server against hostile or broken clients: malformed frames, oversized messages,
// bad base64 and bad URL escapes each get a clear refusal, and only the offending connection
// goes; the server keeps answering everyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { startLoopbackServer, type LoopbackServer } from '../../../src-main/host/transports/server';
import { DEFAULT_MAX_PIXELS, maxMessageBytes } from '../../../src-main/contract/limits';
import { validateInput } from '../../../src-main/host/router';
import { encodeWire } from '../../../src-main/contract/wire';
import { tempDir } from '../../helpers/temp';
import { startApiServerProcess, type ApiServerProcess } from './api-server-process';
import { maskedFrame, openTestSocket, rawUpgradedSocket } from './ws-clients';

let server: LoopbackServer;
let cleanup: () => Promise<void>;
/** Small enough that a test can send a message over the limit without allocating much. */
const MAX_PIXELS = 3000;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  server = await startLoopbackServer({
    router: createRouter(handlers),
    session: { projectDir: t.dir, transport: 'server' },
    staticDir: t.dir,
    maxPixels: MAX_PIXELS,
  });
});

afterAll(async () => {
  await server.close();
  await cleanup();
});

async function pingAnswers(): Promise<void> {
  const client = await openTestSocket(server.port, server.token);
  expect(await client.call('app.ping', { message: 'still up' })).toMatchObject({ ok: true, result: { pong: 'still up' } });
  client.ws.close();
}

describe('malformed WebSocket frames (server in its own process, as `facet serve`)', () => {
  let child: ApiServerProcess;
  let dir: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
    child = await startApiServerProcess(dir.dir);
  });
  afterAll(async () => {
    await child.stop();
    await dir.cleanup();
  });

  const cases: [string, Buffer][] = [
    // 127 = 64-bit length follows: 2^40 bytes announced.
    ['a 2^40-byte length field', Buffer.from([0x81, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['RSV1 set without a negotiated extension', Buffer.from([0xc1, 0x80, 0, 0, 0, 0])],
    ['invalid UTF-8 in a text frame', maskedFrame(0x1, Uint8Array.from([0xff, 0xfe, 0xfd]))],
    ['an unmasked client frame', Buffer.from([0x81, 0x02, 0x68, 0x69])],
    ['a reserved opcode', maskedFrame(0x3, new Uint8Array(0))],
  ];
  for (const [name, bytes] of cases) {
    it(`${name} closes that connection only`, async () => {
      const bystander = await openTestSocket(child.port, child.token);
      const { socket, ended } = await rawUpgradedSocket(child.port, child.token);
      socket.write(bytes);
      await ended;
      // A crashed server closes the bystander too: then there is no answer to wait for.
      const answer = await Promise.race([bystander.call('app.ping', { message: 'bystander' }), bystander.closed.then(() => null)]);
      expect(answer, child.output()).toMatchObject({ ok: true });
      expect(child.exitCode()).toBeNull();
      bystander.ws.close();
    });
  }
});

describe('message size', () => {
  it('the limit fits a masks.save of the largest photo the studio accepts', () => {
    const labels = new Uint8Array(DEFAULT_MAX_PIXELS);
    const text = encodeWire({ type: 'call', id: 2 ** 31, method: 'masks.save', input: { id: 2 ** 31, width: 10_000, height: 5000, labels, baseRevision: 99, author: 'a'.repeat(100) } });
    expect(text.length).toBeLessThanOrEqual(maxMessageBytes());
    // ...and is far below the 512 MiB that used to let a 500 MB ping through.
    expect(maxMessageBytes()).toBeLessThan(100 * 1024 * 1024);
  });

  it('a message over the limit closes that connection with 1009, and the server stays up', async () => {
    const client = await openTestSocket(server.port, server.token);
    const answered = client.sendRaw(encodeWire({ type: 'call', id: 1, method: 'app.ping', input: { message: 'x'.repeat(maxMessageBytes(MAX_PIXELS) + 1) } }));
    // Accepted, the message would get an answer (invalid_input for the long string) instead.
    expect(await Promise.race([client.closed, answered])).toMatchObject({ code: 1009 });
    await pingAnswers();
  });

  it('masks.save refuses more labels than the pixel limit, naming the field', () => {
    const tooWide = { id: 1, width: DEFAULT_MAX_PIXELS + 1, height: 1, labels: new Uint8Array(1) };
    expect(() => validateInput('masks.save', tooWide)).toThrow(/masks\.save: width/);
    const tooMany = { id: 1, width: 1, height: 1, labels: new Uint8Array(DEFAULT_MAX_PIXELS + 1) };
    expect(() => validateInput('masks.save', tooMany)).toThrow(/masks\.save: labels: at most/);
  });

  it('paths and free-form records in inputs are bounded', () => {
    expect(() => validateInput('project.open', { dir: 'x'.repeat(5000) })).toThrow(/project\.open: dir/);
    const colorMap = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`#${i.toString(16).padStart(6, '0')}`, 1]));
    expect(() => validateInput('project.import', { source: '/s', preset: 'color', colorMap })).toThrow(/project\.import: colorMap: at most 256/);
    expect(() => validateInput('segment.start', { inDir: '/a', outDir: 'y'.repeat(5000) })).toThrow(/segment\.start: outDir/);
    expect(() => validateInput('runs.start', { config: { modelOptions: { widths: Array.from({ length: 1000 }, () => 8) } } })).toThrow(/runs\.start: config\.modelOptions\.widths/);
    const manyOptions = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`o${i}`, 1]));
    expect(() => validateInput('runs.start', { config: { modelOptions: manyOptions } })).toThrow(/runs\.start: config\.modelOptions: at most 256/);
  });
});

describe('requests that used to get no usable answer', () => {
  it('invalid base64 in $bytes is answered with the call\'s own id and a typed invalid_input', async () => {
    const client = await openTestSocket(server.port, server.token);
    const text = JSON.stringify({ type: 'call', id: 42, method: 'masks.save', input: { id: 1, width: 1, height: 1, labels: { $bytes: 'not*base64!' } } });
    expect(await client.sendRaw(text)).toMatchObject({ id: 42, ok: false, error: { code: 'invalid_input', field: 'labels', message: expect.stringMatching(/^masks\.save: labels: not valid base64/) } });
    expect(await client.call('app.ping', { message: 'after' })).toMatchObject({ ok: true });
    client.ws.close();
  });

  it('a malformed percent escape in an HTTP path is a 400, not a 500', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/%E0%A4%A?token=${server.token}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('malformed percent escape');
  });
});
