import { describe, expect, it } from 'vitest';
import { formatFailure, runCase } from './harness';
import { regenerate, SAVED_FAILURES } from './regressions';
import { createTargets } from './targets';

describe('saved fuzz failures replay', () => {
  const targets = createTargets();
  for (const saved of SAVED_FAILURES) {
    it(`${saved.attack} (fuzz ${saved.target}, seed ${saved.seed}, iteration ${saved.iteration})`, async () => {
      const input = regenerate(saved, targets);
      // A generous timeout: the CI machine is shared; a real hang still fails.
      const failure = await runCase(input, { timeoutMs: 30_000 });
      const shown = failure
        ? formatFailure({
            ...failure,
            target: saved.target,
            seed: saved.seed,
            iteration: saved.iteration,
            label: saved.label,
            hexHead: '',
          })
        : null;
      expect(shown).toBeNull();
    }, 120_000);
  }
});
