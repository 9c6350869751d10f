// Runs the PyTorch peer benchmark (../shared/bench/peer_bench.py, Debian's /usr/bin/python3) so
// `facet bench --peer` compares with it in the same run on the same machine.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Our model names → the peer's. */
export const peerModelNames: Readonly<Record<string, string>> = {
  'deeplabv3plus-mobilenetv2': 'dlv3p_mnv2_b12',
  'deeplabv3plus-efficientnetb0': 'dlv3p_effb0',
  'pspnet-resnet50': 'pspnet_r50',
};

export interface PeerResult {
  model: string;
  gflopsPerImage: number;
  trainImagesPerSec: number;
  inferImagesPerSec: number;
  trainCoresBusy: number;
  inferCoresBusy: number;
  peakRssMb: number;
}

export function peerScript(): string {
  const shared = process.env['FACET_SHARED'] ?? path.resolve(process.cwd(), '..', 'shared');
  return path.join(shared, 'bench', 'peer_bench.py');
}

export function peerPython(): string {
  return process.env['FACET_PEER_PYTHON'] ?? '/usr/bin/python3';
}

interface PeerJson {
  results: Array<{
    model: string;
    gflops_per_img: number;
    train_img_per_s: number;
    infer_img_per_s: number;
    train_cores_busy: number;
    infer_cores_busy: number;
    peak_rss_mb: number;
  }>;
}

/** Runs the peer for the given peer model names; rejects naming the script and the problem. */
export async function runPeer(models: string[], opts: { trainSteps: number; inferBatches: number }): Promise<PeerResult[]> {
  const script = peerScript();
  if (!existsSync(script)) throw new Error(`${script}: peer benchmark not found (set FACET_SHARED to the shared folder)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facet-peer-'));
  const out = path.join(dir, 'peer.json');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        peerPython(),
        [script, '--models', models.join(','), '--out', out, '--train-steps', String(opts.trainSteps), '--infer-batches', String(opts.inferBatches)],
        { maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => (error ? reject(new Error(`${script} failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || error.message}`)) : resolve()),
      );
    });
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as PeerJson;
    return parsed.results.map((r) => ({
      model: r.model,
      gflopsPerImage: r.gflops_per_img,
      trainImagesPerSec: r.train_img_per_s,
      inferImagesPerSec: r.infer_img_per_s,
      trainCoresBusy: r.train_cores_busy,
      inferCoresBusy: r.infer_cores_busy,
      peakRssMb: r.peak_rss_mb,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
