// summary.csv: one row per photo of the input folder (size, faces, class fractions, seconds,
// outcome). Read back on resume so the finished rows survive; rewritten atomically.
import { readFile } from 'node:fs/promises';
import { CLASS_NAMES } from '../contract/classes';
import { writeFileAtomic } from '../dataset/io/atomic';

export interface SummaryRow {
  /** Photo path relative to the input folder. */
  file: string;
  /** Mask path relative to the output folder ('' when it failed). */
  mask: string;
  status: 'ok' | 'error';
  width: number;
  height: number;
  /** Faces detected (--faces), else 0. */
  faces: number;
  /** Fraction of the photo's pixels per class, in CLASS_NAMES order. */
  fractions: number[];
  seconds: number;
  error: string;
}

export const SUMMARY_HEADER = ['file', 'mask', 'status', 'width', 'height', 'faces', ...CLASS_NAMES.map((n) => `frac_${n}`), 'seconds', 'error'];

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatSummary(rows: Iterable<SummaryRow>): string {
  const lines = [SUMMARY_HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        quote(r.file),
        quote(r.mask),
        r.status,
        String(r.width),
        String(r.height),
        String(r.faces),
        ...r.fractions.map((f) => f.toFixed(6)),
        r.seconds.toFixed(3),
        quote(r.error),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 fields: quotes, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows of an earlier run, keyed by photo; an unreadable or foreign file gives none. */
export async function readSummary(path: string): Promise<Map<string, SummaryRow>> {
  const rows = new Map<string, SummaryRow>();
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return rows;
  const [header, ...body] = parseCsv(text);
  if (!header || header.join(',') !== SUMMARY_HEADER.join(',')) return rows;
  const n = CLASS_NAMES.length;
  for (const f of body) {
    if (f.length !== SUMMARY_HEADER.length) continue;
    const status = f[2] === 'ok' ? 'ok' : 'error';
    rows.set(f[0]!, {
      file: f[0]!,
      mask: f[1]!,
      status,
      width: Number(f[3]),
      height: Number(f[4]),
      faces: Number(f[5]),
      fractions: f.slice(6, 6 + n).map(Number),
      seconds: Number(f[6 + n]),
      error: f[7 + n] ?? '',
    });
  }
  return rows;
}

export async function writeSummary(path: string, rows: Iterable<SummaryRow>): Promise<void> {
  await writeFileAtomic(path, Buffer.from(formatSummary(rows), 'utf8'));
}

export function classFractions(labels: Uint8Array, classes: number = CLASS_NAMES.length): number[] {
  const counts = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  return Array.from(counts, (c) => (labels.length ? c / labels.length : 0));
}
