// A phase's peak RSS is what the phase itself held at its highest, sampled while it ran, not the
// process's lifetime high-water mark.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { withPeakRss } from '../../../src-main/engine/bench/peak-rss';

const MB = 2 ** 20;

/** Holds `mb` of touched memory for a while, then lets it go. */
async function hold(mb: number): Promise<number> {
  const block = Buffer.alloc(mb * MB, 1);
  await new Promise((r) => setTimeout(r, 100));
  return block[block.length - 1]!;
}

/** The same in a worker thread, ended afterwards, as the benchmark's engines are. */
async function holdInWorker(mb: number): Promise<void> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads'); const b = Buffer.alloc(${mb} * 2 ** 20, 1); parentPort.postMessage(b[b.length - 1]);`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  await new Promise((r) => setTimeout(r, 100));
  await worker.terminate();
}

describe('withPeakRss', () => {
  it('sees memory the phase held and released before it ended, and returns its value', async () => {
    const before = process.memoryUsage.rss() / MB;
    const { value, peakRssMb } = await withPeakRss(() => hold(300));
    expect(value).toBe(1);
    expect(peakRssMb - before).toBeGreaterThan(250);
  });

  it('a later, smaller phase reports its own peak, not the earlier one (an ended worker gives its heap back)', async () => {
    const big = await withPeakRss(() => holdInWorker(400));
    const small = await withPeakRss(() => hold(10));
    expect(process.resourceUsage().maxRSS / 1024).toBeGreaterThanOrEqual(big.peakRssMb - 1);
    expect(small.peakRssMb).toBeLessThan(big.peakRssMb - 300);
  });
});
