// Progress for `facet train` and `facet eval`: a bar with ETA on a terminal, plain lines
// otherwise (logs, tests), and one summary line per epoch either way.
import { Presets, SingleBar } from 'cli-progress';
import type { EpochRecord, RunBatchEvent } from '../contract/training';

const pct = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(3));

export function formatEpoch(r: EpochRecord, isBest: boolean): string {
  const val = r.val ? ` val_loss ${r.valLoss?.toFixed(4)} val mF1(face) ${pct(r.val.meanF1Face)} mIoU ${pct(r.val.meanIoU)}` : '';
  return `epoch ${r.epoch}: loss ${r.loss.toFixed(4)}${val} lr ${r.lr.toPrecision(3)} ${r.seconds.toFixed(1)} s${isBest ? ' (best)' : ''}\n`;
}

export interface TrainProgress {
  batch(e: RunBatchEvent): void;
  line(text: string): void;
  stop(): void;
}

export function trainProgress(tty: boolean): TrainProgress {
  if (!tty) {
    return { batch: () => undefined, line: (t) => process.stdout.write(t), stop: () => undefined };
  }
  const bar = new SingleBar(
    { format: 'epoch {epoch} [{bar}] {value}/{total} batches | loss {loss} | mF1 {f1} | {ips} img/s | ETA {eta_formatted} (run {run_eta})', hideCursor: true, etaBuffer: 20 },
    Presets.shades_classic,
  );
  let active = false;
  const runEta = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);
  return {
    batch(e) {
      const payload = { epoch: e.epoch, loss: e.loss.toFixed(4), f1: e.meanF1Face.toFixed(3), ips: e.imagesPerSecond.toFixed(1), run_eta: runEta(e.etaSeconds) };
      if (!active) {
        bar.start(e.batches, e.batch, payload);
        active = true;
      } else bar.update(e.batch, payload);
    },
    line(text) {
      if (active) {
        bar.stop();
        active = false;
      }
      process.stdout.write(text);
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
