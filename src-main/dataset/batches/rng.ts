// Seeded random numbers for sampling and augmentation. Each (seed, epoch, slot) gets its own
// stream, so a batch's draws never depend on the order in which async decodes finish, and a run
// resumed at epoch k draws exactly what the uninterrupted run drew.
import seedrandom from 'seedrandom';

export type Rng = () => number;

export function rngFor(...parts: (string | number)[]): Rng {
  const prng = seedrandom(parts.join(':'));
  return () => prng();
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Fisher-Yates, in place. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
