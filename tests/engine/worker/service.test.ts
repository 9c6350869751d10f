// The shared engine worker is replaced once it has ended (the worker ends itself after its GPU
// device was lost), so the API keeps answering with a fresh engine instead of "worker is closed".
import { afterAll, describe, expect, it } from 'vitest';
import { infoJob } from '../../../src-main/engine/jobs/builtin';
import { closeEngineHost, engineHost } from '../../../src-main/engine/worker/service';

describe('the shared engine host', () => {
  afterAll(async () => {
    await closeEngineHost();
  });

  it('is shared while it runs and started afresh once its worker has ended', async () => {
    const first = await engineHost({ backend: 'cpu' });
    expect(await engineHost({ backend: 'cpu' })).toBe(first);
    await first.close();
    expect(first.isClosed).toBe(true);
    const second = await engineHost({ backend: 'cpu' });
    expect(second).not.toBe(first);
    const { info } = await second.run(infoJob, {});
    expect(info.backend).toBe('cpu');
  });
});
