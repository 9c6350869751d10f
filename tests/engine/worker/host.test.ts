// The engine worker: jobs run off the main thread, events arrive, errors come back as errors,
// and the API keeps answering while the worker computes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../src-main/host/context';
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { EngineHost } from '../../../src-main/engine/worker/host';
import { computeJob, infoJob } from '../../../src-main/engine/jobs/builtin';
import { evalJob } from '../../../src-main/engine/jobs/train';
import { DomainError } from '../../../src-main/contract/domain-error';

describe('engine worker', () => {
  let host: EngineHost;
  beforeAll(async () => {
    host = await EngineHost.start({ backend: 'wasm', threads: 1 });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('starts its own engine and reports it', async () => {
    expect(host.info.backend).toBe('wasm');
    const { info, memory } = await host.run(infoJob, {});
    expect(info.step).toBe('wasm');
    expect(info.addedKernels).toContain('DepthwiseConv2dNativeBackpropFilter');
    expect(memory.numTensors).toBeGreaterThanOrEqual(0);
  });

  it('answers API calls while a job computes, and relays the job events', async () => {
    const router = createRouter(handlers);
    const ctx = createContext({ projectDir: null, transport: 'server' }, () => {});
    const events: number[] = [];
    let jobDone = false;
    let firstEvent!: () => void;
    const started = new Promise<void>((resolve) => (firstEvent = resolve));
    const job = host
      .run(computeJob, { size: 256, repeats: 20 }, { onEvent: (e) => { events.push(e.done); firstEvent(); } })
      .finally(() => (jobDone = true));
    await started;
    // Several round trips through the real router while the worker is busy.
    const answers: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const r = (await router.dispatch('app.ping', { message: `p${i}` }, ctx)) as { pong: string };
      answers.push(r.pong === `p${i}` && !jobDone);
    }
    expect(answers).toEqual([true, true, true, true, true]);
    const result = await job;
    expect(Number.isFinite(result.checksum)).toBe(true);
    expect(events).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('rejects an unknown job with its name, and keeps working', async () => {
    await expect(host.run('no.such.job', {})).rejects.toThrow(/unknown engine job "no.such.job"/);
    const again = await host.run(computeJob, { size: 8, repeats: 1 });
    expect(Number.isFinite(again.checksum)).toBe(true);
  });

  it('gives back a domain error thrown in the worker as a DomainError, with its code and field', async () => {
    // A model folder given without a data source: refused before anything loads.
    const failure = await host.run(evalJob, { model: '/nonexistent-model-folder', checkpoint: 'best', split: 'val' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'invalid_input', field: 'data', message: expect.stringContaining('needs a data source') });
  });

  it('cancels a running job through an AbortSignal', async () => {
    const abort = new AbortController();
    const run = host.run(computeJob, { size: 256, repeats: 10_000 }, { onEvent: (e) => { if (e.done === 2) abort.abort(); }, signal: abort.signal });
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
