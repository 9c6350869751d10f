// `describe` gated on requirements (see requirements.ts for the policy).
import { describe, it } from 'vitest';
import { requireAll, type Requirement } from './requirements';

/**
 * `describe` that runs only when every requirement is met. Otherwise it prints why and skips,
 * or, under FACET_REQUIRE_ALL=1, registers one failing test that says what is missing.
 */
export function describeWith(requirements: Requirement[], name: string, body: () => void): void {
  const missing = requirements.filter((r) => !r.met);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = missing.map((r) => r.reason).join('; ');
  if (requireAll) {
    describe(name, () => {
      it(`requires: ${missing.map((r) => r.name).join(', ')}`, () => {
        throw new Error(`FACET_REQUIRE_ALL=1 but ${why}`);
      });
    });
    return;
  }
  process.stderr.write(`[skip] ${name}: ${why}\n`);
  describe.skip(name, body);
}

