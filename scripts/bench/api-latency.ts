// Benchmark: does the studio's API stay responsive while a training run is going? Starts the real
// `facet serve` on a temp project of real photos, measures `app.ping` round trips over the
// WebSocket idle and then during a training run (default DeepLabV3+ MobileNetV2, 256 px, batch 8),
// and prints p50, p99 and max. Target: p99 within 50 ms during training.
//   npm run bench:api -- [--samples N] [--model NAME] [--size S] [--batch B] [--json]
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import WebSocket from 'ws';
import { decodeWire, encodeWire, type ServerMessage } from '../../src-main/contract/wire';
import { startServe } from '../../tests/helpers/server';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '300' },
    model: { type: 'string', default: 'deeplabv3plus-mobilenetv2' },
    images: { type: 'string', default: '24' },
    size: { type: 'string', default: '256' },
    batch: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const samples = Number(values.samples);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));
const data = resolve(process.env['FACET_DATA'] ?? '../shared/data', 'celebamask-hq-800');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function stats(ms: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: +percentile(s, 50).toFixed(1), p99: +percentile(s, 99).toFixed(1), max: +(s.at(-1) ?? NaN).toFixed(1) };
}

const work = await mkdtemp(join(tmpdir(), 'facet-bench-api-'));
let stopServe: (() => Promise<void>) | null = null;
try {
  const src = join(work, 'src');
  await mkdir(join(src, 'images'), { recursive: true });
  await mkdir(join(src, 'masks'), { recursive: true });
  const names = (await readdir(join(data, 'images'))).filter((n) => n.endsWith('.jpg')).sort().slice(0, Number(values.images));
  for (const n of names) {
    await copyFile(join(data, 'images', n), join(src, 'images', n));
    await copyFile(join(data, 'masks', n.replace(/\.jpg$/, '.png')), join(src, 'masks', n.replace(/\.jpg$/, '.png')));
  }
  const project = join(work, 'project');
  await promisify(execFile)(process.execPath, [bin, 'import', src, '--project', project, '--preset', 'celebamask-hq', '--no-progress']);
  // The API needs no renderer: serve a stub page.
  const stub = join(work, 'renderer');
  await mkdir(stub);
  await writeFile(join(stub, 'index.html'), '<!doctype html><title>stub</title>');
  process.env['FACET_RENDERER_DIR'] = stub;
  const serve = await startServe(project);
  stopServe = () => serve.stop();
  const ws = new WebSocket(`ws://127.0.0.1:${new URL(serve.url).port}/api?token=${serve.token}`);
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
  });
  let next = 1;
  const waiting = new Map<number, (m: ServerMessage) => void>();
  let epochs = 0;
  let batches = 0;
  let status = '';
  ws.on('message', (raw) => {
    const m = decodeWire(raw.toString()) as ServerMessage;
    if (m.type === 'result') waiting.get(m.id)?.(m);
    else if (m.event === 'run.epoch') epochs++;
    else if (m.event === 'run.batch') batches++;
    else if (m.event === 'run.status') {
      const summary = (m.payload as { summary: { status: string; error: string | null } }).summary;
      status = summary.status;
      if (summary.error) process.stderr.write(`run ${status}: ${summary.error}\n`);
    } else if (m.event === 'log') process.stderr.write(`log: ${(m.payload as { message: string }).message}\n`);
  });
  const call = (method: string, input: unknown): Promise<ServerMessage> =>
    new Promise((ok) => {
      const id = next++;
      waiting.set(id, (m) => {
        waiting.delete(id);
        ok(m);
      });
      ws.send(encodeWire({ type: 'call', id, method, input }));
    });
  async function pings(n: number, until?: () => boolean): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n && !(until?.() ?? false); i++) {
      const t = performance.now();
      await call('app.ping', { message: 'x' });
      out.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    return out;
  }

  const idle = stats(await pings(100));
  const size = Number(values.size);
  const batchSize = Number(values.batch);
  const started = await call('runs.start', { config: { model: values.model, inputSize: size, batchSize, epochs: 50, stepsPerEpoch: 4 } });
  if (!('ok' in started) || !started.ok) throw new Error(`runs.start failed: ${JSON.stringify(started)}`);
  const runId = (started.result as { id: string }).id;
  // Wait for the first batch so the measurement covers real training, not the model build.
  const deadline = performance.now() + 300_000;
  while (batches === 0 && status !== 'failed') {
    if (performance.now() > deadline) throw new Error('no training batch finished within 300 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const during = stats(await pings(samples, () => status === 'failed' || status === 'finished'));
  if (during.n === 0) throw new Error(`the ${values.model} run ${status === 'failed' ? 'failed' : 'ended'} before any measurement (see the log above)`);
  const batchesDuring = batches;
  await call('runs.stop', { id: runId });
  ws.close();
  await serve.stop();
  const out = { model: values.model, inputSize: size, batchSize, idle, duringTraining: during, batchesDuringMeasurement: batchesDuring, epochsDuringMeasurement: epochs, target: 'p99 <= 50 ms' };
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    process.stdout.write(`API latency (app.ping over WebSocket), ${values.model} @${size} batch ${batchSize} training:\n`);
    process.stdout.write(`  idle:            n=${idle.n} p50 ${idle.p50} ms, p99 ${idle.p99} ms, max ${idle.max} ms\n`);
    process.stdout.write(`  during training: n=${during.n} p50 ${during.p50} ms, p99 ${during.p99} ms, max ${during.max} ms (${batchesDuring} batches trained meanwhile)\n`);
    process.stdout.write(`  target p99 <= 50 ms: ${during.p99 <= 50 ? 'met' : 'NOT met'}\n`);
  }
} finally {
  // Also on failure: never leave the server (and its training worker) running.
  await stopServe?.();
  await rm(work, { recursive: true, force: true });
}
