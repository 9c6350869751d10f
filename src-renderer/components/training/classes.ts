// Class names and chart colours for the rooms (background drawn grey: black vanishes on dark).
import { CLASS_COLORS, CLASS_NAMES } from '@contract/classes';

export { CLASS_NAMES };

export function classColor(c: number): string {
  if (c === 0) return '#8a8f9c';
  const [r, g, b] = CLASS_COLORS[c] ?? [255, 255, 255];
  return `rgb(${r}, ${g}, ${b})`;
}
