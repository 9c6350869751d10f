// `facet segment IN_DIR --out OUT_DIR`: segments every photo of a folder tree offline.
// Exit status: 0 when every photo was segmented (or already was), 2 when some photos could not
// be read (listed on stderr and in summary.csv), 1 when the batch could not start or the disk
// failed mid-way (full, read-only: what was done is kept, and a re-run continues).
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { segmentOptionsSchema, type SegmentOptions } from '../contract/segment';
import { loadFaceDetector, resolveModelFolder, type FaceDetector } from '../engine/index';
import { segmentFolder, type SegmentProgress, type SegmentReport } from '../segment/batch';
import { loadSegmentModel } from '../segment/model';
import { EXIT } from './failure';

/** The flags: the segment options (`--out` is outDir), plus how progress is shown. */
type SegmentCliOptions = Omit<SegmentOptions, 'inDir' | 'outDir'> & { out: string; progress: boolean; jsonProgress: boolean; flip?: boolean };

/** One JSON object per line on stdout: what the studio's batch panel reads from this process. */
export type SegmentJsonLine =
  | { type: 'start'; total: number; model: string }
  | ({ type: 'progress' } & SegmentProgress)
  | { type: 'done'; report: SegmentReport };

function printReport(report: SegmentReport): void {
  for (const f of report.failed) process.stderr.write(`skipped bad file: ${f.error}\n`);
  const parts = [`${report.segmented} segmented`, `${report.skipped} already done`, `${report.failed.length} failed`];
  if (report.ignored.length) parts.push(`${report.ignored.length} non-image files ignored`);
  const rate = report.segmented > 0 ? ` (${(report.segmented / report.seconds).toFixed(2)} images/s)` : '';
  process.stdout.write(`${report.cancelled ? 'cancelled: ' : ''}${parts.join(', ')} of ${report.total} photos in ${report.seconds.toFixed(1)} s${rate}\n`);
  process.stdout.write(`masks and summary: ${report.outDir}\n`);
  if (report.stopped) process.stderr.write(`facet: stopped: ${report.stopped}\nthe ${report.segmented + report.skipped} photos done are kept; run the same command again to continue\n`);
}

export function registerSegment(program: Command): void {
  program
    .command('segment')
    .description('segment every photo (JPEG/PNG/WebP/TIFF) under IN_DIR into indexed PNG masks under OUT_DIR')
    .argument('<in_dir>', 'folder of photos (searched recursively, never modified)')
    .requiredOption('-o, --out <dir>', 'output folder: masks mirror the input subfolders, plus summary.csv')
    .option('-m, --model <dir>', 'model folder (model.json + weights), or a bundled model: default (fast) or accurate (320 px, test-time flip: slower)')
    .option('--overlay', 'also write colour overlays under OUT_DIR/overlays/', false)
    .option('--faces', 'detect faces and segment each one at the model resolution (for large photos with small faces)', false)
    .addOption(new Option('--face-detector <kind>', 'with --faces: tiny (fast) or ssd (better on many very small faces)').choices(['tiny', 'ssd']).default('tiny'))
    .option('--force', 'redo photos that an earlier run finished', false)
    .option('--flip', 'test-time flip: average the probabilities of each photo and of its mirror image (about twice the time); default: the model folder\'s own setting')
    .option('--no-flip', 'no test-time flip, even when the model folder asks for it')
    .option('--no-progress', 'no progress bar')
    .option('--json-progress', 'print progress as JSON lines on stdout (for the studio)', false)
    .addHelpText('after', '\nExit status: 0 all photos done, 2 some photos could not be read (see summary.csv), 1 error (a full or read-only disk: what is done is kept).')
    .action(async (inDir: string, opts: SegmentCliOptions) => {
      const options = segmentOptionsSchema.parse({ inDir, outDir: opts.out, model: opts.model, overlay: opts.overlay, faces: opts.faces, faceDetector: opts.faceDetector, force: opts.force });
      const modelDir = resolveModelFolder({ model: options.model }).dir;
      const model = await loadSegmentModel(modelDir, { flip: opts.flip });
      const detector: FaceDetector | null = options.faces ? await loadFaceDetector({ kind: options.faceDetector }) : null;
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const json = (line: SegmentJsonLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
      const bar = opts.progress && !opts.jsonProgress && process.stderr.isTTY
        ? new SingleBar({ format: 'segment [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {file}', stream: process.stderr, hideCursor: true })
        : null;
      try {
        const report = await segmentFolder({
          inDir: options.inDir,
          outDir: options.outDir,
          model,
          detector,
          overlay: options.overlay,
          force: options.force,
          signal: controller.signal,
          onStart(total) {
            if (opts.jsonProgress) json({ type: 'start', total, model: modelDir });
            bar?.start(total, 0, { file: '' });
          },
          onProgress(p) {
            if (opts.jsonProgress) json({ type: 'progress', ...p });
            bar?.update(p.done, { file: p.file });
          },
        });
        bar?.stop();
        if (opts.jsonProgress) json({ type: 'done', report });
        else printReport(report);
        if (report.failed.length > 0) process.exitCode = EXIT.partial;
        if (report.cancelled) process.exitCode = EXIT.interrupted;
        if (report.stopped) process.exitCode = EXIT.failed;
      } finally {
        bar?.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        model.dispose();
        detector?.dispose();
      }
    });
}
