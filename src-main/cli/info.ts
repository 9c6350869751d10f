// `facet info`: which TensorFlow.js backend the engine runs on, its version, SIMD and threads,
// the WebGPU adapter found (in use or not), and for every faster backend why it is not in use.
import type { Command } from 'commander';
import { adapterName, defaultTrainWorkers, GPU_BUDGET_MB, inferenceInfo, parseBackendChoice, startEngine, type EngineInfo, type GpuAdapterReport, type InferenceInfo } from '../engine/index';
import { parsePositiveInt } from './options';

function formatAdapter(a: GpuAdapterReport): string[] {
  const mb = (n: number | undefined) => (n === undefined ? '?' : `${(n / 2 ** 20).toFixed(0)} MB`);
  const lines = [
    `adapter:  ${adapterName(a)}${a.software ? ' — software' : ''} (Dawn, webgpu ${a.dawnPackage})`,
    `          largest buffer ${mb(a.limits['maxBufferSize'])}, storage binding ${mb(a.limits['maxStorageBufferBindingSize'])}, ` +
      `workgroup ${a.limits['maxComputeInvocationsPerWorkgroup'] ?? '?'} invocations, ${a.limits['maxComputeWorkgroupStorageSize'] ?? '?'} B shared`,
  ];
  for (const sign of a.softwareSigns) lines.push(`          software: ${sign}`);
  if (a.probe) lines.push(`          probe: ${a.probe.webgpuGflops.toFixed(1)} GFLOP/s (wasm ${a.probe.wasmGflops.toFixed(1)})`);
  return lines;
}

/** Which runtime Predict, `facet segment` and `facet predict` run the model on, and why. */
export function formatInference(inference: InferenceInfo): string {
  const ort = inference.onnxruntime ? `onnxruntime-node ${inference.onnxruntime.version} (cpu, ${inference.onnxruntime.threads} threads)` : null;
  const forced = inference.choice === 'auto' ? '' : ` — forced (FACET_INFER=${inference.choice})`;
  if (inference.runtime === 'onnx') {
    const kept = inference.tfjsModels.length > 0 ? `; ${inference.tfjsModels.join(', ')} stay on tfjs (measured as fast)` : '';
    return `inference: ${ort ?? 'onnxruntime-node (not loaded)'}${forced}; the tfjs fused graph for a model that does not export${kept}`;
  }
  const why = forced || (inference.onnxUnavailable ? ` (${inference.onnxUnavailable})` : ' (a GPU or native backend keeps its own graph)');
  return `inference: tfjs fused graph${why}`;
}

export function formatEngineInfo(info: EngineInfo, inference?: InferenceInfo): string {
  const lines = [
    `backend:  ${info.backend} (${info.step} ${info.version})${info.forced ? ' — forced' : ''}`,
    `tfjs:     ${info.tfjsVersion}`,
    `simd:     ${info.simd === null ? 'n/a' : info.simd ? 'yes' : 'no'}`,
    `threads:  ${info.threads} (inference, evaluation)`,
  ];
  const workers = defaultTrainWorkers(info.backend, Number.MAX_SAFE_INTEGER);
  lines.push(
    workers > 1
      ? `training: ${workers} data-parallel engine workers, one single-threaded heap each (FACET_TRAIN_WORKERS, facet train --workers)`
      : info.backend === 'webgpu'
        ? `training: this engine on the GPU, micro-batches sized to FACET_GPU_MEMORY_MB (default ${GPU_BUDGET_MB})`
        : 'training: this engine',
  );
  if (info.adapter) lines.push(...formatAdapter(info.adapter));
  else if (info.backend !== 'webgpu') lines.push('adapter:  none (see webgpu below)');
  if (inference) lines.push(formatInference(inference));
  if (info.addedKernels.length > 0) lines.push(`kernels:  Facet's ${info.backend} kernels: ${info.addedKernels.join(', ')}`);
  if (info.skipped.length > 0) {
    lines.push('faster backends not in use:');
    for (const s of info.skipped) lines.push(`  ${s.step.padEnd(14)} ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the compute backend in use (and why faster ones are not)')
    .option('--json', 'print JSON')
    .option('--backend <name>', 'force a backend: tfjs-node-gpu, webgpu, tfjs-node, tensorflow, wasm, cpu (env FACET_BACKEND)', parseBackendChoice)
    .option('--threads <n>', 'wasm threads (env FACET_THREADS; default: cores, at most 4)', parsePositiveInt)
    .action(async (opts: { json?: boolean; backend?: ReturnType<typeof parseBackendChoice>; threads?: number }) => {
      const info = await startEngine({
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        ...(opts.threads === undefined ? {} : { threads: opts.threads }),
      });
      const inference = await inferenceInfo();
      process.stdout.write(opts.json ? `${JSON.stringify({ ...info, inference }, null, 2)}\n` : formatEngineInfo(info, inference));
    });
}
