// Reproducible weight initialisation. tfjs initialisers without a seed draw their seed from
// Math.random(), so swapping Math.random for a seeded generator while a model is built makes
// every initial weight a function of the run's seed, without threading a seed through each layer.
import seedrandom from 'seedrandom';

export function withSeededRandom<T>(seed: number, build: () => T): T {
  const original = Math.random;
  const rng = seedrandom(`facet-init-${seed}`);
  Math.random = () => rng();
  try {
    return build();
  } finally {
    Math.random = original;
  }
}
