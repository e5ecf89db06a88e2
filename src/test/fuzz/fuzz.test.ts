import { describe, expect, it } from 'vitest';
import { formatFailure, runFuzz, summaryLine, type FailureKind } from './harness';

const PLANTED = new URL('./planted.ts', import.meta.url).href;

describe('fuzz harness', () => {
  it('catches every planted fault: exception, hang, unhandled rejection, oversized read, read amplification, bug code, memory', async () => {
    const report = await runFuzz({
      seed: 1,
      iterations: 98,
      targetsModule: PLANTED,
      failureDir: null,
      timeoutMs: 1000,
      warmUp: false,
      maxFailures: 1000,
    });
    const kinds = new Map<string, Set<FailureKind>>();
    for (const failure of report.failures) {
      expect(failure.label).toBe('trigger');
      kinds.set(failure.target, new Set([...(kinds.get(failure.target) ?? []), failure.kind]));
    }
    expect(Object.fromEntries([...kinds].map(([target, set]) => [target, [...set]]))).toEqual({
      'planted-type-error': ['exception'],
      'planted-infinite-loop': ['hang'],
      'planted-unhandled-rejection': ['unhandled-rejection'],
      'planted-oversized-read': ['oversized-read'],
      'planted-read-amplification': ['read-amplification'],
      'planted-internal-error': ['bad-error'],
      'planted-memory': ['memory'],
    });
    // Benign inputs (an ordinary LensError) never fail, and each failure says how to replay it.
    const triggered = report.failures.length;
    expect(triggered).toBeGreaterThan(6);
    expect(report.inputs - triggered).toBeGreaterThan(20);
    const first = report.failures[0];
    expect(first && formatFailure(first)).toContain('--seed 1 --target');
    expect(summaryLine(report)).toMatch(/^fuzz: 98 inputs, \d+ failures \(seed 1, \d+ s\)$/);
  }, 90_000);

  // Several seeds, each bounded in inputs (20 per target) and time: at most 45 s in all on the
  // shared 2-core CI machine. Longer runs: npm run fuzz -- --seed N --seconds S.
  for (const seed of [1, 2, 3]) {
    it(`runs every parser and pipeline on mutated fixtures without a failure (seed ${seed}, CI budget)`, async () => {
      const report = await runFuzz({
        seed,
        iterations: 300,
        seconds: 15,
        maxHeavy: 0,
        failureDir: 'fuzz-failures',
        // The CI machine's two cores are shared by the whole suite (an inspect of a 3.7 MB golden-stick
        // shard took 4.3 s there under load); long runs use the 2 s default. Loops still end in a hang.
        timeoutMs: 10_000,
      });
      const failures = report.failures.map(formatFailure);
      expect(failures).toEqual([]);
      // Round-robin: every target (parsers, filter, regex, name map, export, load diff, merge) ran.
      const counts = Object.entries(report.targets).map(([name, target]) => [name, target.inputs > 0]);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(counts.map(([name]) => [name, true])));
    }, 60_000);
  }
});
