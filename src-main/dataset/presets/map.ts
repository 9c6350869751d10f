// Maps a decoded mask's raw values to the 8 classes through a preset, rejecting any value
// (or colour) the preset does not name: silently folding unknown ids into background is how
// the seed project lost its ears and glasses.
import { DomainError } from '../../contract/domain-error';
import type { Preset } from './load';

function hex(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}

/** A mask holding values (or colours) its preset does not name; `shown` is them as written. */
export class UnnamedValuesError extends DomainError {
  constructor(
    override readonly file: string,
    readonly kind: 'value' | 'colour',
    readonly shown: string,
    readonly count: number,
    presetName: string,
  ) {
    super({ code: 'bad_file', file, message: `${file}: mask ${kind}${count > 1 ? 's' : ''} ${shown} not named by preset ${presetName}` });
  }
}

/** Raw sample values (one byte per pixel) → class labels. Throws `bad_file` listing the unnamed values. */
export function mapIndexValues(samples: Uint8Array, preset: Preset, file: string): Uint8Array {
  const lut = preset.valueToClass;
  const out = new Uint8Array(samples.length);
  let unknown: Set<number> | null = null;
  for (let i = 0; i < samples.length; i++) {
    const cls = lut[samples[i]!]!;
    if (cls < 0) (unknown ??= new Set()).add(samples[i]!);
    else out[i] = cls;
  }
  if (unknown) {
    const values = [...unknown].sort((a, b) => a - b);
    throw new UnnamedValuesError(file, 'value', values.join(', '), values.length, preset.name);
  }
  return out;
}

/** Interleaved RGB (3 bytes per pixel) → class labels. Throws `bad_file` listing the unnamed colours. */
export function mapRgbValues(rgb: Uint8Array, preset: Preset, file: string): Uint8Array {
  const map = preset.colorToClass;
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  let unknown: Set<number> | null = null;
  // Masks are mostly long runs of one colour: remembering the last lookup avoids most Map hits.
  let lastKey = -1;
  let lastCls = -1;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const key = (rgb[p]! << 16) | (rgb[p + 1]! << 8) | rgb[p + 2]!;
    if (key !== lastKey) {
      lastKey = key;
      lastCls = map.get(key) ?? -1;
    }
    if (lastCls < 0) (unknown ??= new Set()).add(key);
    else out[i] = lastCls;
  }
  if (unknown) {
    const colors = [...unknown].sort((a, b) => a - b);
    const shown = colors.slice(0, 12).map(hex).join(', ') + (colors.length > 12 ? ` and ${colors.length - 12} more` : '');
    throw new UnnamedValuesError(file, 'colour', shown, colors.length, preset.name);
  }
  return out;
}
