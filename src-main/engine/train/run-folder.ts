// The run folder, runs/<id>/ in the project: config.json, status.json (the summary), history.json
// and history.csv, checkpoints/best and checkpoints/last (model folders; `last` also carries the
// optimizer and schedule state for resuming), eval.json. Every file is written atomically.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runConfigSchema, type EpochRecord, type EvalReport, type RunConfig, type RunSummary } from '../../contract/training';
import { writeFileAtomic } from '../../dataset/io/atomic';
import { checkpointDirOf, isRunDir, RUN_CONFIG, runsDirOf } from '../infer/model-folder';
import { historyCsv } from './history';

/** Text written through the dataset's atomic writer (temp, fsync, rename, folder fsync). */
function writeAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, new TextEncoder().encode(text));
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read (${(error as Error).message})`);
  }
}

export class RunFolder {
  constructor(readonly dir: string) {}

  get id(): string {
    return basename(this.dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  get bestDir(): string {
    return checkpointDirOf(this.dir, 'best');
  }

  get lastDir(): string {
    return checkpointDirOf(this.dir, 'last');
  }

  static isRun(dir: string): boolean {
    return isRunDir(dir);
  }

  /** A new run folder under `<project>/runs/`, named by time and model. */
  static async create(projectDir: string, config: RunConfig, now = new Date()): Promise<RunFolder> {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const base = `${stamp}-${config.model}`;
    const runs = runsDirOf(projectDir);
    await mkdir(runs, { recursive: true });
    for (let n = 1; ; n++) {
      const dir = join(runs, n === 1 ? base : `${base}-${n}`);
      try {
        await mkdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      const run = new RunFolder(dir);
      await run.writeConfig(config);
      return run;
    }
  }

  async writeConfig(config: RunConfig): Promise<void> {
    await writeAtomic(this.path(RUN_CONFIG), JSON.stringify(config, null, 1));
  }

  async readConfig(): Promise<RunConfig> {
    const path = this.path(RUN_CONFIG);
    const parsed = runConfigSchema.safeParse(await readJson(path));
    if (!parsed.success) throw new Error(`${path}: invalid run config (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    return parsed.data;
  }

  async writeHistory(records: EpochRecord[]): Promise<void> {
    await writeAtomic(this.path('history.json'), JSON.stringify(records, null, 1));
    await writeAtomic(this.path('history.csv'), historyCsv(records));
  }

  async readHistory(): Promise<EpochRecord[]> {
    return existsSync(this.path('history.json')) ? ((await readJson(this.path('history.json'))) as EpochRecord[]) : [];
  }

  async writeSummary(summary: RunSummary): Promise<void> {
    await writeAtomic(this.path('status.json'), JSON.stringify(summary, null, 1));
  }

  async readSummary(): Promise<RunSummary | null> {
    if (!existsSync(this.path('status.json'))) return null;
    return { ...((await readJson(this.path('status.json'))) as RunSummary), id: this.id, dir: this.dir };
  }

  async writeEval(report: EvalReport): Promise<void> {
    await writeAtomic(this.path('eval.json'), JSON.stringify(report, null, 1));
  }

  async readEval(): Promise<EvalReport | null> {
    return existsSync(this.path('eval.json')) ? ((await readJson(this.path('eval.json'))) as EvalReport) : null;
  }
}

/** Run folders of a project, newest first. */
export async function listRunFolders(projectDir: string): Promise<RunFolder[]> {
  const runs = runsDirOf(projectDir);
  if (!existsSync(runs)) return [];
  const names = (await readdir(runs, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  return names
    .sort()
    .reverse()
    .map((n) => new RunFolder(join(runs, n)))
    .filter((r) => RunFolder.isRun(r.dir));
}
