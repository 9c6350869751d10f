// `facet bench` measures what the product runs: training steps as `facet train` takes them
// (data-parallel engine workers on wasm) and inference as segmentation runs it (one engine).
// Behaviour only: the figures are whatever this machine gives, never a threshold.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/describe-with';
import { needsWebGpu, swiftShaderIcd } from '../helpers/requirements';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/facet.js', import.meta.url));

interface Row {
  ours: { model: string; trainImagesPerSec: number; inferImagesPerSec: number; peakRssMb: number; trainPeakRssMb?: number; inferPeakRssMb?: number; trainPath: string; inferPath: string; batch: number; size: number; inferRuntime?: string; inferTfjsImagesPerSec?: number };
  peer: unknown;
}

describe('facet bench', () => {
  it('reports training through data-parallel workers and inference through one engine, as JSON', async () => {
    const { stdout } = await run(process.execPath, [bin, 'bench', '--model', 'unet', '--size', '64', '--batch', '4', '--steps', '1', '--no-cpu', '--workers', '2', '--json'], { timeout: 300_000 });
    const report = JSON.parse(stdout) as { engine: { backend: string }; rows: Row[] };
    expect(report.engine.backend).toBe('wasm');
    const [row] = report.rows;
    expect(row!.ours).toMatchObject({ model: 'unet', batch: 4, size: 64, trainPath: '2 data-parallel engine workers' });
    expect(row!.ours.inferPath).toMatch(/^one engine, \d+ thread\(s\)$/);
    // On wasm, inference runs on onnxruntime, with the fused tfjs graph's figure beside it.
    expect(row!.ours.inferRuntime).toMatch(/^onnxruntime-node \d+\.\d+\.\d+, \d+ threads$/);
    expect(row!.ours.inferTfjsImagesPerSec).toBeGreaterThan(0);
    expect(row!.ours.trainImagesPerSec).toBeGreaterThan(0);
    expect(row!.ours.inferImagesPerSec).toBeGreaterThan(0);
    // Each phase's own peak, sampled with the other phase's engines closed; the row's is the larger.
    const { trainPeakRssMb, inferPeakRssMb, peakRssMb } = row!.ours;
    expect(trainPeakRssMb).toBeGreaterThan(0);
    expect(inferPeakRssMb).toBeGreaterThan(0);
    expect(peakRssMb).toBe(Math.max(trainPeakRssMb!, inferPeakRssMb!));
    expect(row!.peer).toBeNull();
  }, 300_000);

  it('with --workers 1 trains in one engine, in micro-batches that fit its heap', async () => {
    const { stdout } = await run(process.execPath, [bin, 'bench', '--model', 'unet', '--size', '64', '--batch', '4', '--steps', '1', '--no-cpu', '--workers', '1', '--threads', '1', '--json'], { timeout: 300_000 });
    const [row] = (JSON.parse(stdout) as { rows: Row[] }).rows;
    expect(row!.ours.trainPath).toBe('one engine, 1 thread(s)');
    expect(row!.ours.trainImagesPerSec).toBeGreaterThan(0);
  }, 300_000);
});

describeWith([needsWebGpu()], 'facet bench --backend webgpu (SwiftShader: the figures only show it runs)', () => {
  it('trains and infers on the GPU engine and reports GFLOP/s and peak GPU memory', async () => {
    const env = { ...process.env, VK_ICD_FILENAMES: process.env['VK_ICD_FILENAMES'] ?? swiftShaderIcd() };
    const args = [bin, 'bench', '--backend', 'webgpu', '--model', 'unet', '--size', '16', '--batch', '2', '--steps', '1', '--no-cpu', '--json'];
    const { stdout } = await run(process.execPath, args, { timeout: 600_000, env });
    const report = JSON.parse(stdout) as { engine: { backend: string; adapter: { software: boolean } }; rows: Array<{ ours: Row['ours'] & Record<string, number> }> };
    expect(report.engine.backend).toBe('webgpu');
    expect(report.engine.adapter.software).toBe(true);
    const ours = report.rows[0]!.ours;
    expect(ours.trainPath).toBe('one engine on the GPU (webgpu)');
    for (const k of ['trainImagesPerSec', 'inferImagesPerSec', 'trainGflopsPerSec', 'inferGflopsPerSec', 'peakGpuTrainMb', 'peakGpuInferMb']) {
      expect(ours[k], k).toBeGreaterThan(0);
    }
  }, 600_000);
});
