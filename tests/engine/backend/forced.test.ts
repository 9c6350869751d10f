// A forced backend (`--backend`, FACET_BACKEND): only that rung is tried, and `facet info`
// still says why each faster rung is not in use. A software WebGPU adapter is used only forced.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../../src-main/engine/backend/index';
import { describeWith } from '../../helpers/describe-with';
import { needsWebGpu, swiftShaderIcd } from '../../helpers/requirements';

const run = promisify(execFile);

describe('forced backend', () => {
  it('facet info --backend cpu --json reports cpu and the skipped rungs', async () => {
    const { stdout } = await run(process.execPath, ['bin/facet.js', 'info', '--backend', 'cpu', '--json'], { cwd: process.cwd() });
    const info = JSON.parse(stdout) as EngineInfo;
    expect(info).toMatchObject({ backend: 'cpu', step: 'cpu', forced: true, threads: 1, simd: null, addedKernels: [], adapter: null });
    expect(info.skipped.map((s) => s.step)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm']);
    expect(info.skipped[0]!.reason).toMatch(/not tried: backend cpu was chosen \(not installed\)/);
  });

  it('facet info prints the backend, SIMD, threads and the reasons', async () => {
    const { stdout } = await run(process.execPath, ['bin/facet.js', 'info', '--threads', '1'], { cwd: process.cwd() });
    expect(stdout).toMatch(/^backend: {2}wasm \(wasm 4\.\d+\.\d+\)/m);
    expect(stdout).toMatch(/^simd: {5}yes/m);
    expect(stdout).toMatch(/^threads: {2}1/m);
    expect(stdout).toMatch(/tfjs-node-gpu +not installed/);
  });

  it('facet info refuses an unknown backend, naming the valid ones', async () => {
    const failed = await run(process.execPath, ['bin/facet.js', 'info', '--backend', 'webgl']).catch((e: { stderr: string; code: number }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/unknown backend "webgl"/);
  });
});

describeWith([needsWebGpu()], 'forced webgpu backend (SwiftShader)', () => {
  const env = { ...process.env, VK_ICD_FILENAMES: process.env['VK_ICD_FILENAMES'] ?? swiftShaderIcd() };

  it('facet info --backend webgpu --json reports the software adapter, its limits and the skipped rung', async () => {
    const { stdout } = await run(process.execPath, ['bin/facet.js', 'info', '--backend', 'webgpu', '--json'], { cwd: process.cwd(), env });
    const info = JSON.parse(stdout) as EngineInfo;
    expect(info).toMatchObject({ backend: 'webgpu', step: 'webgpu', forced: true, addedKernels: ['Cast'] });
    expect(info.skipped.map((s) => s.step)).toEqual(['tfjs-node-gpu']);
    expect(info.adapter).toMatchObject({ software: true, probe: null });
    expect(info.adapter!.limits['maxBufferSize']).toBeGreaterThan(0);
  });

  it('unforced, facet info keeps wasm and says the software adapter is only used when forced', async () => {
    const { stdout } = await run(process.execPath, ['bin/facet.js', 'info', '--threads', '1'], { cwd: process.cwd(), env });
    expect(stdout).toMatch(/^backend: {2}wasm/m);
    expect(stdout).toMatch(/^adapter: {2}.+ — software/m);
    expect(stdout).toMatch(/webgpu +software adapter \(.+\): slower than wasm, used only when forced/);
  });
});
