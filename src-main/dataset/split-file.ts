// A file of fixed splits by image name, for `facet import --split-file` and the studio's import:
// `name split` lines (# comments), `name,split` CSV, or a JSON object {name: split}. Names may
// carry their extension (it is dropped). Splits fixed this way survive re-imports.
import { readFileSync } from 'node:fs';
import { DomainError } from '../contract/domain-error';
import { ASSIGNABLE_SPLITS, type AssignableSplit } from './splits';

function bad(path: string, problem: string): DomainError {
  return new DomainError({ code: 'bad_file', file: path, message: `${path}: ${problem}` });
}

function entriesOf(path: string, text: string): [string, unknown][] {
  if (!text.trimStart().startsWith('{')) {
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const [name, split] = l.split(/[\s,]+/);
        return [name ?? '', split];
      });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw bad(path, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad(path, 'expected a JSON object {"name": "train" | "val" | "test"}');
  return Object.entries(json);
}

export function readSplitFile(path: string): Map<string, AssignableSplit> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DomainError({ code: 'not_found', file: path, message: `${path}: cannot read the split file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
  }
  const out = new Map<string, AssignableSplit>();
  for (const [name, split] of entriesOf(path, text)) {
    if (!ASSIGNABLE_SPLITS.includes(split as AssignableSplit)) throw bad(path, `"${name}" has split "${String(split)}", expected train, val or test`);
    out.set(name.replace(/\.[^.]+$/, ''), split as AssignableSplit);
  }
  return out;
}
