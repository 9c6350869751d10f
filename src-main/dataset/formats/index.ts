// Formats of other annotation tools, plugged into the import and export pipeline: a preset with
// a `format` is listed (and its masks read) here; an export format writes its own layout.
import { listSourceFolder, type SourceListing } from '../folder';
import type { Preset } from '../presets/load';
import { cocoFormat, listCoco } from './coco';
import { cvatMaskFormat, listCvatMask } from './cvat-mask';
import { labelStudioFormat } from './label-studio';
import type { ExportFormat } from './types';

export type { ExportFormat, ExportedMask, FormatWriter } from './types';

/** The items of a source folder through a preset: a format's own listing, else the folder's. */
export async function listSource(source: string, preset: Preset): Promise<SourceListing> {
  if (preset.format === 'cvat-mask') return listCvatMask(source, preset);
  if (preset.format === 'coco') return listCoco(source, preset);
  return listSourceFolder(source, preset);
}

export const EXPORT_FORMATS = { coco: cocoFormat, 'cvat-mask': cvatMaskFormat, 'label-studio': labelStudioFormat } as const satisfies Record<string, ExportFormat>;
export type ExportFormatName = keyof typeof EXPORT_FORMATS;

export function isExportFormatName(name: string): name is ExportFormatName {
  return Object.hasOwn(EXPORT_FORMATS, name);
}
