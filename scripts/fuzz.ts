/**
 * npm run fuzz -- [--seed N] [--iterations N] [--seconds S] [--target name[,name]]
 *                 [--iteration I[,I]] [--replay fuzz-failures/<case>.json] [--timeout-ms MS]
 *
 * Mutates every real fixture and crafted seeds through every parser (src/test/fuzz) and checks
 * the invariants of issue 7. Exits 1 on any failure, printing how to replay it; failing inputs
 * are saved under fuzz-failures/ (gitignored).
 */
import { readFileSync } from 'node:fs';
import {
  caseFromSaved,
  formatFailure,
  runCase,
  runFuzz,
  summaryLine,
  type TargetStats,
} from '../src/test/fuzz/harness';

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new Error(`--${name} needs a value`);
    if (inline === undefined) i += 1;
    args.set(name, value);
  }
  return args;
}

function numberArg(args: Map<string, string>, name: string): number | undefined {
  const raw = args.get(name);
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
  const args = parseArgs(process.argv.slice(2));
  const timeoutMs = numberArg(args, 'timeout-ms');
  const replay = args.get('replay');
  if (replay) {
    const input = caseFromSaved(readFileSync(replay, 'utf8'));
    const failure = await runCase(input, timeoutMs === undefined ? {} : { timeoutMs });
    console.log(failure ? `replay: FAIL ${failure.kind}\n${failure.message}` : 'replay: passes every invariant');
    return failure ? 1 : 0;
  }
  const seed = numberArg(args, 'seed') ?? 1;
  const only = args.get('iteration')?.split(',').map(Number);
  const report = await runFuzz({
    seed,
    iterations: numberArg(args, 'iterations'),
    seconds: numberArg(args, 'seconds'),
    targets: args.get('target')?.split(','),
    ...(only ? { onlyIterations: only } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(numberArg(args, 'max-heavy') === undefined ? {} : { maxHeavy: numberArg(args, 'max-heavy') }),
    failureDir: 'fuzz-failures',
    log: (line) => console.error(line),
    ...(args.get('verbose') === 'true' ? { onCase: (line: string) => console.log(line) } : {}),
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
