// The host's list of recently opened projects: a small JSON file in the config folder. The file
// is untrusted (hand-edited, written by another version, truncated): it is validated when read,
// entries that do not fit are dropped, and a project whose folder is gone is listed as missing.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { RecentProject, RecentProjects } from '../contract/project-files';
import { MAX_NAME, MAX_PATH } from '../contract/limits';
import { writeFileAtomic } from '../dataset/io/atomic';
import { DB_FILE } from '../dataset/store/store';
import { configDir } from './config-dir';

/** Most projects remembered. */
export const MAX_RECENT = 12;
const FILE = 'recent-projects.json';

const entry = z.object({ dir: z.string().min(1).max(MAX_PATH), name: z.string().max(MAX_NAME), openedAt: z.string().max(64) });
const fileSchema = z.object({ version: z.literal(1), projects: z.array(z.unknown()).max(1000) });
type Entry = z.infer<typeof entry>;

export function recentFile(dir: string = configDir()): string {
  return join(dir, FILE);
}

/** The stored entries that are valid (absolute folders, once each), and why the file was unreadable, if it was. */
function readEntries(file: string): { entries: Entry[]; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problem: null };
    return { entries: [], problem: `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { entries: [], problem: `${file}: not valid JSON (${(error as Error).message}); the list starts afresh` };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return { entries: [], problem: `${file}: not a recent-projects list (expected {"version": 1, "projects": [...]}); the list starts afresh` };
  const entries: Entry[] = [];
  for (const raw of parsed.data.projects) {
    const e = entry.safeParse(raw);
    if (!e.success || resolve(e.data.dir) !== e.data.dir || entries.some((x) => x.dir === e.data.dir)) continue;
    entries.push(e.data);
    if (entries.length === MAX_RECENT) break;
  }
  return { entries, problem: null };
}

function isProject(dir: string): boolean {
  try {
    return existsSync(join(dir, DB_FILE));
  } catch {
    return false;
  }
}

function listed(entries: Entry[], problem: string | null): RecentProjects {
  return { projects: entries.map((e): RecentProject => ({ ...e, missing: !isProject(e.dir) })), problem };
}

async function write(file: string, entries: Entry[]): Promise<void> {
  await writeFileAtomic(file, Buffer.from(JSON.stringify({ version: 1, projects: entries }, null, 2) + '\n'));
}

export function readRecent(file: string = recentFile()): RecentProjects {
  const { entries, problem } = readEntries(file);
  return listed(entries, problem);
}

/** Puts the project first in the list (an unreadable list is replaced). */
export async function rememberProject(project: { dir: string; name: string }, file: string = recentFile()): Promise<RecentProjects> {
  const dir = resolve(project.dir);
  const { entries } = readEntries(file);
  const next = [{ dir, name: project.name, openedAt: new Date().toISOString() }, ...entries.filter((e) => e.dir !== dir)].slice(0, MAX_RECENT);
  await write(file, next);
  return listed(next, null);
}

export async function forgetProject(dir: string, file: string = recentFile()): Promise<RecentProjects> {
  const target = resolve(dir);
  const { entries, problem } = readEntries(file);
  const next = entries.filter((e) => e.dir !== target);
  if (next.length !== entries.length) await write(file, next);
  return listed(next, problem);
}
