// `facet bench`: training and inference speed of every registered model (or --model) on the
// engine's backend, in the engine worker; with --peer, the PyTorch peer in the same run and the
// ratios side by side. The machine is shared and noisy: compare ratios from one run.
import type { Command } from 'commander';
import { adapterName, benchDataParallel, benchJob, defaultTrainWorkers, EngineHost, modelNames, parseBackendChoice, trainStepJob, withPeakRss, type ModelBench } from '../engine/index';
import { parsePositiveInt } from './options';
import { peerModelNames, runPeer, type PeerResult } from './peer';

interface BenchCliOptions {
  model?: string[];
  json?: boolean;
  peer?: boolean;
  backend?: ReturnType<typeof parseBackendChoice>;
  threads?: number;
  size: number;
  batch: number;
  steps: number;
  cpu: boolean;
  cpuBatch: number;
  workers?: number;
}

export interface BenchRow {
  ours: ModelBench;
  peer: PeerResult | null;
  trainRatio: number | null;
  inferRatio: number | null;
}

function collect(value: string, previous: string[] = []): string[] {
  const names = value.split(',').map((v) => v.trim()).filter(Boolean);
  for (const name of names) {
    if (!modelNames.includes(name)) throw new Error(`--model: unknown model "${name}" (registered: ${modelNames.join(', ')})`);
  }
  return [...previous, ...names];
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

export function formatBench(rows: BenchRow[], engine: string): string {
  const out = [`engine: ${engine}`];
  for (const { ours, peer, trainRatio, inferRatio } of rows) {
    out.push(
      `${ours.model} (${f2(ours.gflopsPerImage)} GFLOPs/img, ${ours.size}x${ours.size}, batch ${ours.batch}, ${ours.classes} classes)`,
      `  train  ${f2(ours.trainImagesPerSec).padStart(6)} img/s  (step ${ours.trainStepMs.toFixed(0)} ms, cores busy ${f2(ours.trainCoresBusy)}; ${ours.trainPath})` +
        (peer ? `   PyTorch ${f2(peer.trainImagesPerSec)} img/s → ${f2(trainRatio!)}x` : ''),
      `  infer  ${f2(ours.inferImagesPerSec).padStart(6)} img/s  (batch ${ours.inferBatchMs.toFixed(0)} ms, cores busy ${f2(ours.inferCoresBusy)}; ${ours.inferPath}${ours.inferRuntime ? `, ${ours.inferRuntime}` : ''})` +
        (peer ? `   PyTorch ${f2(peer.inferImagesPerSec)} img/s → ${f2(inferRatio!)}x` : ''),
      ...(ours.inferTfjsImagesPerSec === undefined ? [] : [`         ${f2(ours.inferTfjsImagesPerSec).padStart(6)} img/s  on the tfjs fused graph, same run (FACET_INFER=tfjs uses it)`]),
      `  peak RSS ${ours.peakRssMb.toFixed(0)} MB` + (peer ? ` (PyTorch ${peer.peakRssMb.toFixed(0)} MB)` : '') +
        (ours.trainPeakRssMb !== undefined && ours.inferPeakRssMb !== undefined
          ? ` (training ${ours.trainPeakRssMb.toFixed(0)}, inference ${ours.inferPeakRssMb.toFixed(0)}, each phase alone)`
          : '') +
        `; load average ${ours.loadAverage.map(f1).join(' ')}`,
    );
    if (ours.trainGflopsPerSec !== undefined && ours.inferGflopsPerSec !== undefined) {
      out.push(
        `  GFLOP/s train ${f2(ours.trainGflopsPerSec)} (3x forward), infer ${f2(ours.inferGflopsPerSec)}` +
          (ours.microBatch !== undefined && ours.microBatch < ours.batch ? `; micro-batches of ${ours.microBatch}` : ''),
      );
    }
    if (ours.peakGpuTrainMb != null || ours.peakGpuInferMb != null) {
      const mb = (v: number | null | undefined) => (v == null ? 'n/a' : `${v.toFixed(0)} MB`);
      out.push(`  peak GPU memory train ${mb(ours.peakGpuTrainMb)}, infer ${mb(ours.peakGpuInferMb)} (tfjs buffer pool; the adapter reports none)`);
    }
    if (ours.cpu) {
      out.push(
        `  cpu backend: one step at batch ${ours.cpu.batch} took ${(ours.cpu.stepMs / 1000).toFixed(1)} s ` +
          `(${ours.cpu.imagesPerSec.toFixed(3)} img/s) → ${ours.backend} is ${ours.cpu.speedup.toFixed(0)}x faster per image`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure training and inference images/s of the registered models (optionally against PyTorch)')
    .option('--model <names>', `models, comma-separated or repeated (default: all: ${modelNames.join(', ')})`, collect)
    .option('--json', 'print JSON')
    .option('--peer', 'also run the PyTorch peer (../shared/bench/peer_bench.py, FACET_SHARED) and print the ratios')
    .option('--backend <name>', 'force a backend (tfjs-node-gpu, webgpu, tfjs-node, tensorflow, wasm, cpu)', parseBackendChoice)
    .option('--threads <n>', 'wasm threads (default: cores, at most 4)', parsePositiveInt)
    .option('--size <px>', 'input side', parsePositiveInt, 256)
    .option('--batch <n>', 'batch size', parsePositiveInt, 8)
    .option('--steps <n>', 'timed training steps and inference batches (after one warm-up)', parsePositiveInt, 3)
    .option('--no-cpu', 'skip the one training step on the cpu backend (slow)')
    .option('--cpu-batch <n>', 'batch of the cpu-backend step (the speed-up is per image)', parsePositiveInt, 1)
    .option('--workers <n>', 'training: data-parallel engine workers, each single-threaded (default: as facet train, one per core on wasm; 1: one engine with --threads)', parsePositiveInt)
    .action(async (opts: BenchCliOptions) => {
      const models = opts.model ?? [...modelNames];
      const say = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
      const engineOptions = {
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        ...(opts.threads === undefined ? {} : { threads: opts.threads }),
      };
      // Measured as the product runs: training as `facet train` takes its steps (data-parallel
      // workers on wasm), inference as `facet segment` and the editor run it (one engine, its threads).
      // Each model gets a fresh inference engine, closed before its training workers start, so each
      // phase's peak RSS is its own (a wasm heap never shrinks while its engine lives).
      const probe = await EngineHost.start(engineOptions);
      const info = probe.info;
      await probe.close();
      const workers = opts.workers ?? defaultTrainWorkers(info.backend, opts.batch);
      const dataParallel = workers > 1 && info.backend === 'wasm';
      const adapter = info.backend === 'webgpu' && info.adapter ? ` on ${adapterName(info.adapter)}${info.adapter.software ? ' (software)' : ''}` : '';
      const engine =
        `${info.backend} ${info.version}${adapter}, simd ${info.simd ?? 'n/a'}; ` +
        (info.backend === 'webgpu'
          ? 'training and inference: one engine on the GPU'
          : (dataParallel ? `training: ${workers} data-parallel workers × 1 thread` : `training: one engine, ${info.threads} thread(s)`) +
            `; inference: one engine, ${info.threads} thread(s)`);
      say(`engine: ${engine}`);
      const ours: ModelBench[] = [];
      for (const model of models) {
        const common = { model, size: opts.size, batch: opts.batch, classes: 8 };
        const sampled = await withPeakRss(async () => {
          const host = await EngineHost.start(engineOptions);
          try {
            return await host.run(
              benchJob,
              { ...common, trainSteps: dataParallel ? 0 : opts.steps, inferSteps: opts.steps, warmup: 1, cpuStep: false, cpuBatch: opts.cpuBatch },
              { onEvent: (e) => say(e.message) },
            );
          } finally {
            await host.close();
          }
        });
        const single = sampled.value;
        single.inferPath = single.trainPath = info.backend === 'webgpu' ? 'one engine on the GPU (webgpu)' : `one engine, ${info.threads} thread(s)`;
        let result: ModelBench = { ...single, peakRssMb: sampled.peakRssMb };
        if (dataParallel) {
          const { value: dp, peakRssMb: trainPeak } = await withPeakRss(() =>
            benchDataParallel({ ...common, steps: opts.steps, warmup: 1, workers, engine: { ...engineOptions, threads: 1 } }, say),
          );
          say(`${model}: data-parallel inference ${dp.inferImagesPerSec.toFixed(2)} img/s (one engine: ${single.inferImagesPerSec.toFixed(2)}); peak RSS training ${trainPeak.toFixed(0)} MB, inference ${sampled.peakRssMb.toFixed(0)} MB`);
          result = {
            ...dp,
            inferImagesPerSec: single.inferImagesPerSec, inferBatchMs: single.inferBatchMs, inferCoresBusy: single.inferCoresBusy,
            inferPath: single.inferPath, inferRuntime: single.inferRuntime, inferTfjsImagesPerSec: single.inferTfjsImagesPerSec,
            peakRssMb: Math.max(trainPeak, sampled.peakRssMb), trainPeakRssMb: trainPeak, inferPeakRssMb: sampled.peakRssMb,
          };
        }
        if (opts.cpu) {
          say(`${model}: one training step on the cpu backend at batch ${opts.cpuBatch} (slow)`);
          const cpuHost = await EngineHost.start({ backend: 'cpu' });
          try {
            const { stepMs } = await cpuHost.run(trainStepJob, { ...common, batch: opts.cpuBatch });
            const cpuRate = (opts.cpuBatch * 1000) / stepMs;
            result.cpu = { batch: opts.cpuBatch, stepMs, imagesPerSec: cpuRate, speedup: result.trainImagesPerSec / cpuRate };
          } finally {
            await cpuHost.close();
          }
        }
        ours.push(result);
      }
      let peers: PeerResult[] = [];
      const peerNames = models.map((m) => peerModelNames[m]).filter((n): n is string => n !== undefined);
      if (opts.peer && peerNames.length > 0) {
        say(`PyTorch peer: ${peerNames.join(', ')}`);
        peers = await runPeer(peerNames, { trainSteps: opts.steps, inferBatches: opts.steps });
      }
      const rows: BenchRow[] = ours.map((o) => {
        const peer = peers.find((p) => p.model === peerModelNames[o.model]) ?? null;
        return {
          ours: o,
          peer,
          trainRatio: peer ? o.trainImagesPerSec / peer.trainImagesPerSec : null,
          inferRatio: peer ? o.inferImagesPerSec / peer.inferImagesPerSec : null,
        };
      });
      process.stdout.write(opts.json ? `${JSON.stringify({ engine: info, rows }, null, 2)}\n` : formatBench(rows, engine));
    });
}
