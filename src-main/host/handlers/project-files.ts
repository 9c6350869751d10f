// Projects as folders, for the studio's project room: the host's recent list, creating a project,
// the import presets, the read-only import preview and export (the same code as `facet export`).
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Handlers } from '../router';
import { DomainError } from '../../contract/domain-error';
import { DB_FILE, openStore } from '../../dataset/store/store';
import { listPresets, loadPreset } from '../../dataset/presets/load';
import { previewImport } from '../../dataset/import-preview';
import { exportInFormat } from '../../dataset/export-formats';
import { forgetProject, readRecent } from '../recent-projects';
import type { ImportPresetInfo } from '../../contract/project-files';
import { projectStoreOf as store } from '../project-of';
import { openedInSession } from './project';

type ProjectFileMethods = 'project.recent' | 'project.forget' | 'project.create' | 'project.presets' | 'project.previewImport' | 'project.export';

/** A new project goes into a folder that does not exist yet or is empty: never over someone's files. */
function checkNewProjectFolder(dir: string): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new DomainError({ code: 'conflict', field: 'dir', file: dir, message: `${dir}: exists and is not a folder` });
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DomainError({ code: 'bad_file', field: 'dir', file: dir, message: `${dir}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
  }
  if (entries.includes(DB_FILE)) throw new DomainError({ code: 'conflict', field: 'dir', file: dir, message: `${dir}: already a Facet project; open it instead` });
  if (entries.length > 0) throw new DomainError({ code: 'conflict', field: 'dir', file: dir, message: `${dir}: the folder is not empty (${entries.length} entries); choose a new or empty folder for a project` });
}

export const projectFileHandlers: Pick<Handlers, ProjectFileMethods> = {
  async 'project.recent'() {
    return readRecent();
  },
  async 'project.forget'(input) {
    return forgetProject(input.dir);
  },
  async 'project.create'(input, ctx) {
    const dir = resolve(input.dir);
    checkNewProjectFolder(dir);
    const s = openStore(dir, { create: true });
    if (input.name !== undefined && input.name.trim() !== '') s.setMeta('name', input.name.trim());
    return openedInSession(ctx, s);
  },
  async 'project.presets'() {
    return listPresets().map((name): ImportPresetInfo => {
      const preset = loadPreset(name);
      return { name, description: preset.description, masks: preset.read };
    });
  },
  async 'project.previewImport'(input) {
    return previewImport({ source: input.source, preset: loadPreset(input.preset), pair: input.pair, rejectedShown: input.rejectedShown });
  },
  async 'project.export'(input, ctx) {
    const report = await exportInFormat(store(ctx), {
      out: input.out,
      format: input.format,
      split: input.split,
      status: input.status,
      overlay: input.overlay,
      images: input.images,
      onProgress: (p) => ctx.emit('export.progress', p),
    });
    return { format: input.format, out: report.out, exported: report.exported, withoutMask: report.withoutMask, refused: report.refused, seconds: report.seconds };
  },
};
