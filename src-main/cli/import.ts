// `facet import SRC --project DIR --preset NAME`: brings a folder of photos (and masks) into a
// project. Prints the counts, then every file not imported with why (kept: a person's edit stays;
// skipped: a problem, on stderr). Exit status: 0 every file imported, updated, unchanged or kept,
// 2 some files were skipped, 1 the import could not run.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { openStore } from '../dataset/store/store';
import { importFolder, type SplitSetting } from '../dataset/import';
import { listPresets, loadPreset } from '../dataset/presets/load';
import { parseSplitRatios } from '../dataset/splits';
import { readSplitFile } from '../dataset/split-file';
import { EXIT } from './failure';
import { progressBar } from './progress';

interface ImportCliOptions {
  project: string;
  preset: string;
  copy?: boolean;
  link?: boolean;
  split?: string;
  seed?: number;
  splitFile?: string;
  colorMap?: string;
  overwriteEdits?: boolean;
  overwriteReviewed?: boolean;
  labelMap?: string;
  progress: boolean;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`not a seed (whole number >= 0): ${value}`);
  return n;
}

function readColorMap(value: string): Record<string, number> {
  const text = value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8');
  return JSON.parse(text) as Record<string, number>;
}

/** `{"source label": "class name" or 0..7}`, inline or in a file. */
function readLabelMap(value: string): Record<string, unknown> {
  const text = value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8');
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError(`--label-map: expected a JSON object {"label": "class"}, got ${text.slice(0, 60)}`);
  return parsed as Record<string, unknown>;
}

function presetNames(): string {
  // Help must work even when the presets folder is missing (the import then says what is wrong).
  try {
    return listPresets().join(', ');
  } catch {
    return 'see resources/presets';
  }
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a folder of photos and masks into a project through a label preset')
    .argument('<src>', 'source folder (images/ and masks/ subfolders, or just photos for images-only)')
    .requiredOption('--project <dir>', 'project folder (created when missing)')
    .requiredOption('--preset <name>', `label scheme of the masks: ${presetNames()}`)
    .option('--copy', 'copy the photos into the project (default)')
    .option('--link', 'record where the photos are instead of copying them')
    .option('--split <ratios>', 'train/val/test ratios like 80/10/10, or "none" to leave new images unassigned')
    .option('--seed <n>', 'seed of the split assignment (default: the project\'s, else 0)', parseSeed)
    .option('--split-file <file>', 'fixed splits by name ("name split" lines, CSV or JSON); they survive re-import')
    .option('--color-map <json|file>', 'for --preset color: {"#rrggbb": class 0..7, ...}')
    .option('--overwrite-edits', 'replace masks a person edited since the last import (the edits stay in the revision history; not reviewed images)')
    .option('--overwrite-reviewed', 'with --overwrite-edits: also replace the masks of reviewed images (they become done)')
    .option('--label-map <json|file>', 'for --preset coco or cvat-mask: {"source label": "class name" or 0..7, ...} for labels that are not the 8 classes')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nA re-import never replaces a mask a person edited or reviewed unless told to: such files are listed as kept.' +
        '\nExit status: 0 all files imported, updated, unchanged or kept; 2 some files skipped (listed on stderr); 1 error.',
    )
    .action(async (src: string, opts: ImportCliOptions) => {
      if (opts.copy && opts.link) throw new Error('choose one of --copy and --link');
      if (opts.overwriteReviewed && !opts.overwriteEdits) throw new Error('--overwrite-reviewed needs --overwrite-edits too');
      const preset = loadPreset(opts.preset, {
        colorMap: opts.colorMap ? readColorMap(opts.colorMap) : undefined,
        labelMap: opts.labelMap ? readLabelMap(opts.labelMap) : undefined,
      });
      const split: SplitSetting =
        opts.split === 'none' ? { kind: 'none' } : { kind: 'auto', ratios: opts.split ? parseSplitRatios(opts.split) : undefined, seed: opts.seed };
      const fixedSplits = opts.splitFile ? readSplitFile(opts.splitFile) : undefined;
      const store = openStore(opts.project, { create: true });
      const bar = progressBar('import', opts.progress && process.stderr.isTTY === true);
      let report;
      try {
        report = await importFolder(store, {
          source: src,
          preset,
          mode: opts.link ? 'link' : 'copy',
          split,
          fixedSplits,
          overwriteEdits: opts.overwriteEdits,
          overwriteReviewed: opts.overwriteReviewed,
          onProgress: (p) => bar.update(p.done, p.total, p.file),
        });
      } finally {
        bar.stop();
        store.close();
      }
      const rate = report.imported > 0 ? ` (${(report.imported / report.seconds).toFixed(1)} images/s)` : '';
      process.stdout.write(
        `${report.imported} imported, ${report.updated} updated, ${report.unchanged} unchanged, ${report.kept} kept, ${report.skipped} skipped in ${report.seconds.toFixed(1)} s${rate}\n`,
      );
      for (const f of report.files) if (f.outcome === 'kept') process.stdout.write(`kept: ${f.reason ?? f.file}\n`);
      const problems = report.files.filter((f) => f.outcome === 'skipped');
      for (const f of problems) process.stderr.write(`skipped: ${f.reason ?? f.file}\n`);
      if (problems.length > 0) process.exitCode = EXIT.partial;
    });
}
