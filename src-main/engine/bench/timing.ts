// Timing for the benchmarks: per-call wall times after a warm-up, and how busy the cores were
// (CPU time / wall time), so a loaded machine shows in the figures.

export interface Timing {
  ms: number[];
  coresBusy: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds of each timed call, and CPU time / wall time over them. */
export async function timeCalls(warmup: number, steps: number, call: () => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  let cpuMicros = 0;
  for (let i = 0; i < warmup + steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await call();
    if (i < warmup) continue;
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMicros += c.user + c.system;
  }
  const wall = ms.reduce((a, b) => a + b, 0);
  return { ms, coresBusy: wall > 0 ? cpuMicros / 1000 / wall : 0 };
}
