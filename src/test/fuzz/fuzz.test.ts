import { describe, expect, it } from 'vitest';
import { formatFailure, runFuzz, summaryLine, type FailureKind } from './harness';

const PLANTED = new URL('./planted.ts', import.meta.url).href;

describe('fuzz harness', () => {
  it('catches every planted fault: exception, hang, unhandled rejection, oversized read, bug code, memory', async () => {
    const report = await runFuzz({
      seed: 1,
      iterations: 48,
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
      'planted-internal-error': ['bad-error'],
      'planted-memory': ['memory'],
    });
    // Benign inputs (an ordinary LensError) never fail, and each failure says how to replay it.
    const triggered = report.failures.length;
    expect(triggered).toBeGreaterThan(6);
    expect(report.inputs - triggered).toBeGreaterThan(20);
    const first = report.failures[0];
    expect(first && formatFailure(first)).toContain('--seed 1 --target');
    expect(summaryLine(report)).toMatch(/^fuzz: 48 inputs, \d+ failures \(seed 1, \d+ s\)$/);
  }, 90_000);

  it('runs every parser on mutated fixtures for a short CI budget without a failure', async () => {
    const report = await runFuzz({
      seed: 1,
      // About 6000 inputs in 10 s on one idle core; the time cap keeps a loaded CI machine in budget.
      iterations: 6000,
      seconds: 15,
      maxHeavy: 0,
      failureDir: 'fuzz-failures',
      // The CI machine's two cores are shared by the whole suite; long runs use the 2 s default.
      timeoutMs: 4000,
    });
    const failures = report.failures.map(formatFailure);
    expect(failures).toEqual([]);
    expect(report.inputs).toBeGreaterThan(1000);
    expect(Object.values(report.targets).every((target) => target.inputs > 0)).toBe(true);
  }, 120_000);
});
