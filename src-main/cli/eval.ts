// `facet eval`: evaluates a run's best (or last) checkpoint or a model folder on a split, and
// prints per-class precision/recall/F1/IoU, the means and the confusion matrix (or `--json`).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { DataSource, EvalReport, ModelLineage } from '../contract/training';
import { runConfigSchema } from '../contract/training';
import { isBundledModelName } from '../contract/models';
import { DEFAULT_MODEL_WORD, evaluateSaved, parseBackendChoice, startEngine, type EvalSplit } from '../engine/index';

interface EvalCliOptions {
  model: string;
  checkpoint: 'best' | 'last';
  project?: string;
  data?: string;
  preset?: string;
  split: EvalSplit;
  batch: number;
  json: boolean;
  backend?: string;
  flip?: boolean;
  fullRes: boolean;
}

const f = (v: number): string => v.toFixed(4);

/** One line per generation: what the model started from, and what that started from. */
export function formatLineage(lineage: ModelLineage | null | undefined): string[] {
  if (!lineage) return ['started from: random weights (or not recorded)'];
  const lines: string[] = [];
  for (let l: ModelLineage | null = lineage, depth = 0; l; l = l.parent, depth++) {
    lines.push(`${depth === 0 ? 'started from' : `${'  '.repeat(depth)}which started from`}: ${l.name} (${l.model} at ${l.inputSize}px, ${l.path}, weights sha256 ${l.weightsSha256.slice(0, 16)}…${l.runId ? `, run ${l.runId}` : ''})`);
  }
  lines.push(`${'  '.repeat(lines.length)}which started from: random weights (or not recorded)`);
  return lines;
}

/** The warning an evaluation on the model's own training images deserves (empty when none overlap). */
export function formatOverlap(r: EvalReport): string[] {
  if (r.overlap === undefined || r.overlap === null) return ['training images: the model has no training manifest, so overlap with them is unknown'];
  if (r.overlap.count === 0) return [`training images: none of the ${r.images} evaluated images is among the model's training images (${r.overlap.manifest})`];
  const more = r.overlap.count > r.overlap.names.length ? `, and ${r.overlap.count - r.overlap.names.length} more` : '';
  return [`WARNING: ${r.overlap.count} of the ${r.images} evaluated images are among the model's training images (${r.overlap.manifest}): these scores are optimistic. ${r.overlap.names.join(', ')}${more}`];
}

export function formatReport(r: EvalReport): string {
  const scoredAt = r.fullResolution ? `at ${r.inputSize}px, scored at full resolution` : `at ${r.inputSize}px`;
  const flip = r.flip ? ', test-time flip' : '';
  const perPhoto = r.inferenceSeconds !== undefined && r.images > 0 ? `, inference ${((r.inferenceSeconds * 1000) / r.images).toFixed(1)} ms/photo` : '';
  const lines = [`${r.model} on ${r.split} (${r.images} images ${scoredAt}${flip}, ${r.seconds.toFixed(1)} s${perPhoto}, ${r.backend})`, ...formatLineage(r.lineage), ...formatOverlap(r), ''];
  lines.push(`${'class'.padEnd(12)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'F1'.padStart(9)} ${'IoU'.padStart(9)} ${'pixels'.padStart(10)}`);
  for (const c of r.metrics.perClass) {
    lines.push(c.present ? `${c.name.padEnd(12)} ${f(c.precision).padStart(9)} ${f(c.recall).padStart(9)} ${f(c.f1).padStart(9)} ${f(c.iou).padStart(9)} ${String(c.support).padStart(10)}` : `${c.name.padEnd(12)} (absent: not in truth nor prediction)`);
  }
  const m = r.metrics;
  lines.push('', `mean over all classes: F1 ${f(m.meanF1)}  IoU ${f(m.meanIoU)}`, `mean over face parts:  F1 ${f(m.meanF1Face)}  IoU ${f(m.meanIoUFace)}`, `pixel accuracy: ${f(m.pixelAccuracy)}`, '', 'confusion (rows truth, columns predicted):');
  for (const [i, row] of m.confusion.entries()) lines.push(`${(m.perClass[i]?.name ?? String(i)).padEnd(12)} ${row.map((v) => String(v).padStart(9)).join(' ')}`);
  lines.push(...formatDisputes(r));
  return lines.join('\n') + '\n';
}

/** How many of the most disputed images the text report lists. */
const DISPUTES_LISTED = 5;

/** The images whose masks the model most confidently contradicts: the first ones to review. */
export function formatDisputes(r: EvalReport): string[] {
  const disputed = r.perImage.filter((p) => p.dispute && p.dispute.share > 0).sort((a, b) => b.dispute!.share - a.dispute!.share).slice(0, DISPUTES_LISTED);
  if (!disputed.length) return [];
  const name = (c: number): string => r.metrics.perClass[c]?.name ?? String(c);
  return [
    '',
    'masks the model most confidently disputes (share of the face where it is ≥ 90% sure of another class; review these first):',
    ...disputed.map((p) => `  ${p.name.padEnd(40)} ${(100 * p.dispute!.share).toFixed(1).padStart(5)}%  mostly ${name(p.dispute!.classId)}  (F1 face ${f(p.f1Face)})`),
  ];
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a run (its best checkpoint) or a model folder on a split: per-class metrics, means, confusion matrix')
    .option('-m, --model <dir>', `a run folder (runs/<id>, its checkpoint), a model folder (model.json + facet-model.json) or ${DEFAULT_MODEL_WORD} / accurate (the bundled fast / accurate model)`, DEFAULT_MODEL_WORD)
    .option('--checkpoint <which>', 'for a run: best or last', (v: string) => {
      if (v !== 'best' && v !== 'last') throw new InvalidArgumentError(`expected best or last, got ${v}`);
      return v;
    }, 'best')
    .option('--project <dir>', 'evaluate on this project (default: the run\'s own data)')
    .option('--data <dir>', 'evaluate on a labelled folder read in place (with --preset)')
    .option('--preset <name>', 'import preset for --data')
    .option('--split <split>', 'train, val or test', (v: string) => {
      if (!['train', 'val', 'test'].includes(v)) throw new InvalidArgumentError(`expected train, val or test, got ${v}`);
      return v as EvalSplit;
    }, 'val')
    .option('--batch <n>', 'batch size', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`not a positive whole number: ${v}`);
      return n;
    }, 8)
    .option('--json', 'print the report as JSON', false)
    .option('--flip', 'test-time flip: average the probabilities of each photo and of its mirror image; default: the model folder\'s own setting')
    .option('--no-flip', 'no test-time flip, even when the model folder asks for it')
    .option('--full-res', 'score at each photo\'s own resolution: probabilities resized bilinearly to the photo (as segment does), against the full-size masks', false)
    .option('--backend <name>', 'force an engine backend (tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu)')
    .action(async (opts: EvalCliOptions) => {
      if ((opts.data === undefined) !== (opts.preset === undefined)) throw new Error('--data and --preset go together');
      if (opts.data !== undefined && opts.project !== undefined) throw new Error('give --project or --data, not both');
      const engine = await startEngine(opts.backend ? { backend: parseBackendChoice(opts.backend) } : {});
      let data: DataSource | undefined;
      if (opts.data !== undefined) data = runConfigSchema.shape.data.parse({ kind: 'folder', dir: resolve(opts.data), preset: opts.preset });
      else if (opts.project !== undefined) data = runConfigSchema.shape.data.parse({ kind: 'project', dir: resolve(opts.project) });
      const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ format: 'eval [{bar}] {value}/{total} images | ETA {eta_formatted}', stream: process.stderr }, Presets.shades_classic) : null;
      let started = false;
      const report = await evaluateSaved({
        model: isBundledModelName(opts.model) ? opts.model : resolve(opts.model),
        checkpoint: opts.checkpoint,
        ...(data ? { data } : {}),
        split: opts.split,
        batchSize: opts.batch,
        flip: opts.flip,
        fullResolution: opts.fullRes,
        backend: engine.backend,
        onProgress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, done);
            started = true;
          } else bar.update(done);
        },
      }).finally(() => bar?.stop());
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 1)}\n` : formatReport(report));
      // The warning goes to stderr too, so a --json reader (or a pipe) still sees it.
      if (report.overlap && report.overlap.count > 0) process.stderr.write(`facet: ${formatOverlap(report)[0]}\n`);
    });
}
