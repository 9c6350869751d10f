// Every export format of the contract's EXPORT_FORMATS, by name, as the options exportProject
// takes: the CLI and the studio both export through here, so they cannot drift apart. A format
// listed in the contract without an entry here is a compile error.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DomainError } from '../contract/domain-error';
import type { ExportFormatName } from '../contract/project-files';
import { exportProject, type ExportOptions, type ExportReport } from './export';
import { EXPORT_FORMATS as FORMAT_WRITERS } from './formats/index';
import { loadPreset } from './presets/load';
import type { ProjectStore } from './store/store';

type FormatOptions = Pick<ExportOptions, 'preset' | 'format'>;

/** A preset's PNG scheme (masks/<name>.png), or another tool's layout from formats/. */
const FORMAT_OPTIONS: Record<ExportFormatName, () => FormatOptions> = {
  labels8: () => ({ preset: loadPreset('labels8') }),
  'seed-18': () => ({ preset: loadPreset('seed-18') }),
  'celebamask-hq': () => ({ preset: loadPreset('celebamask-hq') }),
  coco: () => ({ format: FORMAT_WRITERS.coco }),
  'cvat-mask': () => ({ format: FORMAT_WRITERS['cvat-mask'] }),
  'label-studio': () => ({ format: FORMAT_WRITERS['label-studio'] }),
};

export type ExportInFormatOptions = Omit<ExportOptions, keyof FormatOptions> & { format: ExportFormatName };

function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** An export writes images/ and masks/ under its folder: inside the project (or around it) it would overwrite the project's own files. */
function checkOut(store: ProjectStore, out: string): void {
  const target = resolve(out);
  if (within(store.dir, target) || within(target, store.dir)) {
    throw new DomainError({ code: 'invalid_input', field: 'out', message: `${target}: an export folder must be outside the project ${store.dir} (and not hold it): its images/ and masks/ would overwrite the project's` });
  }
}

export async function exportInFormat(store: ProjectStore, options: ExportInFormatOptions): Promise<ExportReport> {
  const { format, ...rest } = options;
  checkOut(store, rest.out);
  return exportProject(store, { ...rest, ...FORMAT_OPTIONS[format]() });
}
