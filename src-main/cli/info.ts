// `facet info`: which TensorFlow.js backend the engine runs on, its version, SIMD and threads,
// and for every faster backend why it is not in use.
import type { Command } from 'commander';
import { defaultTrainWorkers, parseBackendChoice, startEngine, type EngineInfo } from '../engine/index';
import { parsePositiveInt } from './options';

export function formatEngineInfo(info: EngineInfo): string {
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
      : 'training: this engine',
  );
  if (info.addedKernels.length > 0) lines.push(`kernels:  Facet's wasm kernels: ${info.addedKernels.join(', ')}`);
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
    .option('--backend <name>', 'force a backend: tfjs-node-gpu, tfjs-node, tensorflow, wasm, cpu (env FACET_BACKEND)', parseBackendChoice)
    .option('--threads <n>', 'wasm threads (env FACET_THREADS; default: cores, at most 4)', parsePositiveInt)
    .action(async (opts: { json?: boolean; backend?: ReturnType<typeof parseBackendChoice>; threads?: number }) => {
      const info = await startEngine({
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        ...(opts.threads === undefined ? {} : { threads: opts.threads }),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : formatEngineInfo(info));
    });
}
