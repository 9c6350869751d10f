// `facet predict --project DIR`: pre-labels a project. The model (a run id of the project, a run
// folder, a model folder or `default`; by default the project's current model) runs over its
// unlabelled (or not reviewed, or all) images in an engine worker; each result is stored as a
// proposal with its uncertainty (and F1 against the mask for labelled images), never as a mask
// revision. Ctrl+C stops after the image in progress, keeping what is done.
// Exit status: 0 all selected images predicted, 2 some could not be read, 130 interrupted.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { PREDICT_ONLY, type PredictOnly } from '../contract/proposals';
import { openStore } from '../dataset/store/store';
import { startPredictAll } from '../segment/predict-all';
import { checkedModelDir, resolveProjectModel } from '../segment/project-model';
import { defaultProjectDir } from '../host/project-location';
import { EXIT } from './failure';
import { progressBar } from './progress';

interface PredictCliOptions {
  project: string;
  model?: string;
  only: PredictOnly;
  progress: boolean;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("pre-label a project: run a model over its images and store the results as proposals (with each image's uncertainty), not as masks")
    .option('--project <dir>', 'project folder', defaultProjectDir())
    .option('-m, --model <model>', "a run id of the project, a run folder, a model folder, default (the fast bundled model) or accurate (default: the project's current model)")
    .option('--only <which>', `which images: ${PREDICT_ONLY.join(', ')}`, (v: string): PredictOnly => {
      if (!(PREDICT_ONLY as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${PREDICT_ONLY.join(', ')}, got ${v}`);
      return v as PredictOnly;
    }, 'unlabelled')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: PredictCliOptions) => {
      const projectDir = resolve(opts.project);
      const store = openStore(projectDir);
      const modelDir = opts.model !== undefined ? checkedModelDir(projectDir, opts.model) : resolveProjectModel(projectDir, store.currentModel);
      process.stdout.write(`model ${modelDir}\n`);
      const bar = progressBar('predict', opts.progress && process.stderr.isTTY === true);
      const running = startPredictAll({ projectDir, modelDir, only: opts.only }, { onProgress: (job, name) => job.total !== null && name !== null && bar.update(job.done, job.total, name) });
      const stop = (): void => {
        process.stderr.write('\nstopping after this image…\n');
        running.cancel();
      };
      process.once('SIGINT', stop);
      try {
        const job = await running.finished;
        bar.stop();
        if (job.state === 'failed') throw new Error(job.error ?? 'prediction failed');
        const report = job.report;
        for (const f of report?.failed ?? []) process.stderr.write(`skipped ${f.name}: ${f.error}\n`);
        process.stdout.write(`${job.state === 'cancelled' ? 'cancelled: ' : ''}${report?.predicted ?? 0} of ${report?.total ?? 0} images (${opts.only}) predicted as proposals in ${(report?.seconds ?? 0).toFixed(1)} s${report?.failed.length ? `, ${report.failed.length} failed` : ''}\n`);
        if (report && report.failed.length > 0) process.exitCode = EXIT.partial;
        if (job.state === 'cancelled') process.exitCode = EXIT.interrupted;
      } finally {
        bar.stop();
        process.off('SIGINT', stop);
      }
    });
}
