// Label names of other tools' files (a CVAT labelmap.txt, COCO categories) → the 8 classes. The
// studio's own class names always map (ignoring case and surrounding spaces); any other name
// must be named by the user's label map (`--label-map`), else the import stops with the file and
// the name: a label folded into background silently would lose its pixels.
import { DomainError } from '../../contract/domain-error';
import { CLASS_NAMES, NUM_CLASSES } from '../../contract/classes';

/** Source label name → class 0..7. */
export type LabelNameMap = ReadonlyMap<string, number>;

function normalize(name: string): string {
  return name.trim().toLowerCase();
}

/** A class given by name or index (as the user writes it in a label map). */
export function classFromUser(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < NUM_CLASSES) return value;
  if (typeof value === 'string') {
    const index = CLASS_NAMES.indexOf(normalize(value) as (typeof CLASS_NAMES)[number]);
    if (index >= 0) return index;
  }
  throw new DomainError({
    code: 'invalid_input',
    field: 'labelMap',
    message: `${where}: ${JSON.stringify(value)} is not a class (one of ${CLASS_NAMES.join(', ')}, or 0..${NUM_CLASSES - 1})`,
  });
}

/** The user's `{"source name": class}` object as a lookup (keys compared ignoring case). */
export function compileLabelMap(entries: Record<string, unknown> | undefined): LabelNameMap {
  const out = new Map<string, number>();
  for (const [name, value] of Object.entries(entries ?? {})) out.set(normalize(name), classFromUser(value, `label map entry "${name}"`));
  return out;
}

/** The class of a source label name, or a `bad_file` error naming `file` and the label. */
export function classOfLabel(name: string, userMap: LabelNameMap, file: string): number {
  const key = normalize(name);
  const mapped = userMap.get(key);
  if (mapped !== undefined) return mapped;
  const own = CLASS_NAMES.indexOf(key as (typeof CLASS_NAMES)[number]);
  if (own >= 0) return own;
  throw new DomainError({
    code: 'bad_file',
    file,
    message: `${file}: label "${name}" is not one of the classes (${CLASS_NAMES.join(', ')}); map it with --label-map '{"${name}": "<class>"}'`,
  });
}
