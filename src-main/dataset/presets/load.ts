// Loads a preset by name from resources/presets and compiles its value map into lookup tables.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../contract/domain-error';
import { presetFileSchema, type PresetFile } from './schema';
import { compileLabelMap, type LabelNameMap } from '../formats/label-names';

export type MaskRead = 'index' | 'rgb' | 'none';

export interface Preset {
  name: string;
  description: string;
  /** Subfolder of the source holding the images (the source itself when it has no such folder). */
  imagesDir: string;
  /** Subfolder holding the masks; null for images-only presets. */
  masksDir: string | null;
  maskExtensions: string[];
  /** Mask file = image name + suffix + extension. */
  maskSuffix: string;
  read: MaskRead;
  /** For `index`: raw value 0..255 → class 0..7, or -1 when the preset does not name the value. */
  valueToClass: Int16Array;
  /** For `rgb`: 0xRRGGBB → class 0..7. */
  colorToClass: Map<number, number>;
  /** Human names of raw values (index presets), for error messages. */
  labels: Record<string, string>;
  export: PresetFile['export'];
  /** A format read by dataset/formats/ (its labels come from the source's files), else null. */
  format: NonNullable<PresetFile['format']> | null;
  /** For `format` presets: the user's source label name → class. */
  labelNames: LabelNameMap;
}

export interface PresetOptions {
  /** For `rgb` presets: `#rrggbb` → class, replacing the preset's default colours. */
  colorMap?: Record<string, number> | undefined;
  /** For coco and cvat-mask: source label name → class (name or 0..7), for names that are not the studio's. */
  labelMap?: Record<string, unknown> | undefined;
}

/** The folder of preset files: `FACET_PRESETS_DIR`, else the nearest `resources/presets` above this module. */
export function presetsDir(): string {
  const fromEnv = process.env['FACET_PRESETS_DIR'];
  if (fromEnv) return resolve(fromEnv);
  // Walk up because the sources (tsx, vitest) and the electron-vite bundle sit at different depths.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'resources', 'presets');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) return join(resourcesPath, 'presets');
  throw new Error('resources/presets not found (set FACET_PRESETS_DIR)');
}

export function listPresets(): string[] {
  return readdirSync(presetsDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

function parseHex(hex: string): number {
  return Number.parseInt(hex.slice(1), 16);
}

export function compilePreset(file: PresetFile, options: PresetOptions = {}): Preset {
  const valueToClass = new Int16Array(256).fill(-1);
  const colorToClass = new Map<number, number>();
  let labels: Record<string, string> = {};
  const masks = file.masks;
  if (masks?.read === 'index') {
    for (const [raw, cls] of Object.entries(masks.values)) valueToClass[Number(raw)] = cls;
    labels = masks.labels ?? {};
  } else if (masks?.read === 'rgb') {
    const colors = options.colorMap ?? masks.colors;
    for (const [hex, cls] of Object.entries(colors)) {
      if (!Number.isInteger(cls) || cls < 0 || cls > 7) throw new DomainError({ code: 'invalid_input', field: 'colorMap', message: `colour ${hex} maps to ${cls}, not a class 0..7` });
      colorToClass.set(parseHex(hex), cls);
    }
  }
  if (options.labelMap && !file.format) {
    throw new DomainError({ code: 'invalid_input', field: 'labelMap', message: `preset ${file.name} has no label names: a label map applies only to the coco and cvat-mask presets` });
  }
  if (options.colorMap && (masks?.read !== 'rgb' || file.format)) {
    throw new DomainError({ code: 'invalid_input', field: 'colorMap', message: `preset ${file.name} reads ${masks ? 'value' : 'no'} masks: a colour map applies only to the color preset` });
  }
  return {
    name: file.name,
    description: file.description,
    imagesDir: file.images.dir,
    masksDir: masks?.dir ?? null,
    maskExtensions: masks?.extensions ?? [],
    maskSuffix: masks?.suffix ?? '',
    read: masks?.read ?? 'none',
    valueToClass,
    colorToClass,
    labels,
    export: file.export,
    format: file.format ?? null,
    labelNames: compileLabelMap(options.labelMap),
  };
}

/** Reads, validates and compiles `resources/presets/<name>.json`; unknown names list the known ones. */
export function loadPreset(name: string, options: PresetOptions = {}): Preset {
  const known = listPresets();
  if (!known.includes(name)) {
    throw new DomainError({ code: 'invalid_input', field: 'preset', message: `unknown preset "${name}" (known: ${known.join(', ')})` });
  }
  const path = join(presetsDir(), `${name}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DomainError({ code: 'bad_file', file: path, message: `${path}: not valid JSON: ${(error as Error).message}` });
  }
  const parsed = presetFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError({ code: 'bad_file', file: path, message: `${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid preset'}` });
  }
  if (parsed.data.name !== name) {
    throw new DomainError({ code: 'bad_file', file: path, message: `${path}: names itself "${parsed.data.name}", expected "${name}"` });
  }
  return compilePreset(parsed.data, options);
}
