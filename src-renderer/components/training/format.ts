// Number formats shared by the training, evaluation and batch rooms.
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function pct(x: number | null | undefined, digits = 1): string {
  return x == null || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}`;
}

export function num(x: number | null | undefined, digits = 3): string {
  return x == null || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/**
 * A short axis label: 0.001 → "1e-3", 0.05 → "0.05", 1200 → "1200". Long decimals such as
 * 0.00030000000000000003 never reach the axis.
 */
export function compactNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 0.01 && abs < 1e5) return String(Number(x.toPrecision(3)));
  const [mantissa, exponent] = x.toExponential(1).split('e') as [string, string];
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/**
 * A log axis's label: only at 1, 2 and 5 times a power of ten (the other ticks keep their grid
 * line without a label), so the labels of a learning-rate axis never overlap.
 */
export function logTickLabel(x: number): string {
  if (!(x > 0) || !Number.isFinite(x)) return '';
  const mantissa = Number((x / 10 ** Math.floor(Math.log10(x) + 1e-9)).toPrecision(2));
  return mantissa === 1 || mantissa === 2 || mantissa === 5 ? compactNumber(x) : '';
}

/** A config value as a person reads it: no JSON quotes around text, lists with commas. */
export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(Number(value.toPrecision(6)));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(displayValue).join(', ');
  return JSON.stringify(value);
}
