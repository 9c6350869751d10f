// `facet export --project DIR --out DIR --format labels8|seed-18|celebamask-hq|coco|cvat-mask|label-studio`:
// masks (and the upright photos) named like the images, optionally colour overlays; re-imports
// unchanged (label-studio is export only). Exit status 2 when some images were refused (unsafe
// names or paths in the project's database).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { IMAGE_STATUSES, SPLITS, type ImageStatus, type Split } from '../contract/project';
import { EXPORT_FORMATS, type ExportFormatName } from '../contract/project-files';
import { exportInFormat } from '../dataset/export-formats';
import { openStore } from '../dataset/store/store';
import { progressBar } from './progress';

// The contract's list: the studio's export form offers the same formats.
const FORMATS: readonly ExportFormatName[] = EXPORT_FORMATS.map((f) => f.name);

function oneOf<T extends string>(what: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`not a ${what}: ${value} (one of ${allowed.join(', ')})`);
    return value as T;
  };
}

interface ExportCliOptions {
  project: string;
  out: string;
  format: ExportFormatName;
  split?: Split;
  status?: ImageStatus;
  overlay: boolean;
  images: boolean;
  progress: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export the project\'s masks (with their photos) in a label scheme')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--out <dir>', 'output folder: images/, masks/ (and overlays/); the layout of coco, cvat-mask and label-studio (see README)')
    .requiredOption('--format <name>', `label scheme: ${FORMATS.join(', ')}`, oneOf('format', FORMATS))
    .option('--split <split>', `only this split (${SPLITS.join(', ')})`, oneOf('split', SPLITS))
    .option('--status <status>', `only this status (${IMAGE_STATUSES.join(', ')})`, oneOf('status', IMAGE_STATUSES))
    .option('--overlay', 'also write colour overlays under overlays/', false)
    .option('--no-images', 'masks (and overlays) only, without copies of the photos')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: ExportCliOptions) => {
      const store = openStore(opts.project);
      const bar = progressBar('export', opts.progress && process.stderr.isTTY === true);
      try {
        const report = await exportInFormat(store, {
          out: opts.out,
          format: opts.format,
          split: opts.split,
          status: opts.status,
          overlay: opts.overlay,
          images: opts.images,
          onProgress: (p) => bar.update(p.done, p.total, p.file),
        });
        bar.stop();
        process.stdout.write(`${report.exported} masks exported to ${report.out} in ${report.seconds.toFixed(1)} s` + (report.withoutMask ? ` (${report.withoutMask} images without a mask left out)` : '') + '\n');
        // Rows a foreign or tampered facet.db records unsafely: nothing of them was read or written.
        for (const r of report.refused) process.stderr.write(`refused: ${r.reason}\n`);
        if (report.refused.length > 0) process.exitCode = 2;
      } finally {
        bar.stop();
        store.close();
      }
    });
}
