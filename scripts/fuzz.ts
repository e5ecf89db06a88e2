/**
 * npm run fuzz -- [options]   (npm run fuzz -- --help for every option)
 *
 * Mutates every real fixture and crafted seeds through every parser and pipeline (src/test/fuzz)
 * and checks the invariants of issue 7. Exits 1 on any failure, printing how to replay it;
 * failing inputs are saved under fuzz-failures/ (gitignored). A failure worth keeping becomes a
 * named regression test: add its recipe to src/test/fuzz/regressions.ts.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  caseFromSaved,
  formatFailure,
  runCase,
  runFuzz,
  summaryLine,
  type TargetStats,
} from '../src/test/fuzz/harness';
import { READ_AMPLIFICATION } from '../src/test/fuzz/types';

const OPTIONS = {
  seed: { type: 'string', arg: 'N', help: 'PRNG seed (default 1); iteration I of seed N is always the same input' },
  iterations: { type: 'string', arg: 'N', help: 'stop after N inputs (default 1000 when --seconds is not given)' },
  seconds: { type: 'string', arg: 'S', help: 'stop after S seconds' },
  target: { type: 'string', arg: 'a,b', help: 'only these targets (round-robin over them; default: all)' },
  iteration: {
    type: 'string',
    arg: 'I,J',
    help: 'run exactly these iterations (replay: use the same --seed and --target)',
  },
  replay: {
    type: 'string',
    arg: 'FILE',
    help: 'replay one saved failure (fuzz-failures/<target>-s<seed>-i<iteration>.json)',
  },
  'timeout-ms': {
    type: 'string',
    arg: 'MS',
    help: 'a small input must finish within MS (default 2000; +1 s per MiB served)',
  },
  'max-heavy': {
    type: 'string',
    arg: 'N',
    help: 'run at most N heavy crafted cases (seconds each by design; default 2)',
  },
  verbose: { type: 'boolean', arg: '', help: 'print one line per input (time, outcome, mutation)' },
  help: { type: 'boolean', arg: '', help: 'print this help' },
} as const;

async function usage(): Promise<string> {
  const { DEFAULT_TARGET_NAMES } = await import('../src/test/fuzz/targets');
  return [
    'Usage: npm run fuzz -- [options]',
    '',
    'Fuzzes every parser and pipeline with mutated fixtures. A case fails on an exception, a hang,',
    'an unhandled rejection, a LensError without a sentence or with a bug code, a read over',
    `MAX_READ_BYTES, reading more than ${READ_AMPLIFICATION}× its files' bytes (read amplification), or memory growth.`,
    '',
    'Options:',
    ...Object.entries(OPTIONS).map(([name, option]) => `  ${`--${name} ${option.arg}`.padEnd(18)} ${option.help}`),
    '',
    `Targets: ${DEFAULT_TARGET_NAMES.join(', ')}`,
    '',
    'Examples:',
    '  npm run fuzz -- --seed 7 --seconds 180 --target open',
    '  npm run fuzz -- --seed 7 --target open --iteration 57000',
    '  npm run fuzz -- --replay fuzz-failures/open-s7-i57000.json',
  ].join('\n');
}

function numberArg(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

function statsLine(name: string, stats: TargetStats): string {
  const rate = stats.ms > 0 ? Math.round((stats.inputs / stats.ms) * 1000) : 0;
  const wallRate = stats.wallMs > 0 ? Math.round((stats.inputs / stats.wallMs) * 1000) : 0;
  const errors = Object.entries(stats.errors)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  return `  ${name.padEnd(17)} ${String(stats.inputs).padStart(7)} inputs  ${String(rate).padStart(6)}/s parsing ${String(wallRate).padStart(5)}/s end-to-end  ok ${stats.ok}${errors ? `; ${errors}` : ''}`;
}

async function main(): Promise<number> {
  const { values: args } = parseArgs({
    args: process.argv.slice(2),
    options: Object.fromEntries(Object.entries(OPTIONS).map(([name, option]) => [name, { type: option.type }])),
    strict: true,
    allowPositionals: false,
  });
  if (args.help) {
    console.log(await usage());
    return 0;
  }
  const timeoutMs = numberArg(args, 'timeout-ms');
  const replay = args.replay as string | undefined;
  if (replay) {
    const input = caseFromSaved(readFileSync(replay, 'utf8'));
    const failure = await runCase(input, timeoutMs === undefined ? {} : { timeoutMs });
    console.log(failure ? `replay: FAIL ${failure.kind}\n${failure.message}` : 'replay: passes every invariant');
    return failure ? 1 : 0;
  }
  const seed = numberArg(args, 'seed') ?? 1;
  const only = (args.iteration as string | undefined)?.split(',').map(Number);
  const report = await runFuzz({
    seed,
    iterations: numberArg(args, 'iterations'),
    seconds: numberArg(args, 'seconds'),
    targets: (args.target as string | undefined)?.split(','),
    ...(only ? { onlyIterations: only } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(numberArg(args, 'max-heavy') === undefined ? {} : { maxHeavy: numberArg(args, 'max-heavy') }),
    failureDir: 'fuzz-failures',
    log: (line) => console.error(line),
    ...(args.verbose ? { onCase: (line: string) => console.log(line) } : {}),
  });
  for (const [name, stats] of Object.entries(report.targets)) console.log(statsLine(name, stats));
  if (report.failures.length > 0) {
    console.error(`\n${report.failures.length} failure(s):`);
    for (const failure of report.failures) console.error(formatFailure(failure));
  }
  console.log(summaryLine(report));
  return report.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
