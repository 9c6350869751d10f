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
