// Which build of the SIMD kernels runs: feature detection of relaxed SIMD (with Node 20's V8 flag
// turned on from inside the thread, as the engine's worker threads do), the choice between the
// builds, and forcing one.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { WASM_BASE64 } from '../../../src-main/engine/kernels/simd/binary';
import { enableRelaxedSimd, relaxedSimdValidates } from '../../../src-main/engine/kernels/simd/features';
import { kernelVariant, pickVariant, setKernelVariant } from '../../../src-main/engine/kernels/simd/module';

/** Runs `body` (ESM, top-level await) in a fresh Node worker thread of a fresh process; its stdout. */
function inFreshWorker(body: string): string {
  const features = new URL('../../../src-main/engine/kernels/simd/features.ts', import.meta.url).href;
  const binary = new URL('../../../src-main/engine/kernels/simd/binary.ts', import.meta.url).href;
  const worker = `
    const { relaxedSimdValidates, enableRelaxedSimd } = await import(${JSON.stringify(features)});
    const { WASM_BASE64 } = await import(${JSON.stringify(binary)});
    const compiles = () => { try { new WebAssembly.Module(Buffer.from(WASM_BASE64.relaxed, 'base64')); return true; } catch { return false; } };
    ${body}`;
  const main = `
    import { Worker } from 'node:worker_threads';
    const w = new Worker(${JSON.stringify(`import('tsx/esm/api').then((m) => { m.register(); return import('data:text/javascript,' + encodeURIComponent(${JSON.stringify(worker)})); });`)}, { eval: true });
    w.on('error', (e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', main], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`fresh worker failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

describe('SIMD kernel builds', () => {
  afterEach(() => setKernelVariant(null));

  it('the probe validates exactly where the relaxed build compiles, before and after enabling it', () => {
    const out = inFreshWorker(`
      const before = [relaxedSimdValidates(), compiles()];
      const enabled = enableRelaxedSimd();
      console.log(JSON.stringify({ before, enabled, after: [relaxedSimdValidates(), compiles()] }));`);
    const { before, enabled, after } = JSON.parse(out) as { before: boolean[]; enabled: boolean; after: boolean[] };
    expect(before[0]).toBe(before[1]);
    expect(after[0]).toBe(after[1]);
    // Node ≥ 20 has relaxed SIMD, on by default or behind the flag enableRelaxedSimd sets.
    expect(enabled).toBe(true);
    expect(after).toEqual([true, true]);
  });

  it('in this thread, relaxed SIMD is available and the relaxed build is the default', () => {
    expect(enableRelaxedSimd()).toBe(true);
    expect(relaxedSimdValidates()).toBe(true);
    expect(() => new WebAssembly.Module(Buffer.from(WASM_BASE64.relaxed, 'base64'))).not.toThrow();
    expect(kernelVariant()).toBe('relaxed');
  });

  it('picks relaxed SIMD where the engine has it, plain SIMD elsewhere, and honours a forced build', () => {
    expect(pickVariant(null, () => true)).toBe('relaxed');
    expect(pickVariant(null, () => false)).toBe('simd');
    expect(pickVariant('simd', () => true)).toBe('simd');
    expect(pickVariant('relaxed', () => true)).toBe('relaxed');
    expect(() => pickVariant('relaxed', () => false)).toThrow(/no relaxed SIMD/);
  });

  it('setKernelVariant forces a build and null returns to detection', () => {
    setKernelVariant('simd');
    expect(kernelVariant()).toBe('simd');
    setKernelVariant(null);
    expect(kernelVariant()).toBe('relaxed');
  });

  it('rejects an unknown FACET_SIMD_KERNELS value, naming it', () => {
    const out = inFreshWorker(`
      process.env.FACET_SIMD_KERNELS = 'avx512';
      const { kernelVariant } = await import(${JSON.stringify(new URL('../../../src-main/engine/kernels/simd/module.ts', import.meta.url).href)});
      try { kernelVariant(); console.log('no error'); } catch (e) { console.log(e.message); }`);
    expect(out).toMatch(/FACET_SIMD_KERNELS: unknown kernel build "avx512" \(expected one of simd, relaxed\)/);
  });
});
