// The peak resident memory of one phase of a benchmark. The process's maxRSS is a lifetime
// high-water mark, so after one model (or an inference engine that stays up) it no longer says
// what the next phase needs; sampling the current RSS while the phase runs does. Worker threads
// are part of the process, so their heaps count; a peak shorter than the interval can slip by.
export const RSS_SAMPLE_MS = 10;

export async function withPeakRss<T>(phase: () => Promise<T>, everyMs = RSS_SAMPLE_MS): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  try {
    const value = await phase();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}
