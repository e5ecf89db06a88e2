// The installed command's startup: `ckpt-lens --help` and `ckpt-lens inspect <sample>` run from
// the bundle (dist-cli/, `npm run build:cli`) as a global install runs it — `node <bundle>` —
// each as a ratio to `node -e 0` measured alternately in the same run, so load from other
// processes falls on all three alike. `npm run bench` includes these rows; `npm run
// bench:startup` measures them alone and prints them, and with `-- --write` puts them in place
// of the full run's startup rows (bench/results.json and its table), every other row kept.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PERFORMANCE_DOC, withRemeasuredRows, withSection, type BenchResults, type BenchRow } from './table';

const BUNDLE = path.resolve('dist-cli/ckpt-lens.mjs');
/** Small on purpose: the row measures startup, not reading (the embedded 478 KiB LeNet sample). */
const SAMPLE = path.resolve('public/samples/lenet-sample.ckpt');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 21);

function timeRun(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Whether this process runs under a real-time policy (`chrt -f 10 npm run bench:startup`, as root):
 * on a shared machine that is busy, the closest to a quiet one, as other processes cannot preempt it.
 */
function realTimeScheduled(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
    return policy === 1 || policy === 2; // SCHED_FIFO, SCHED_RR
  } catch {
    return false;
  }
}

export function measureCliStartup(): BenchRow[] {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build:cli first`);
  // Other processes show here first: the note says how busy the machine was.
  const load = os.loadavg()[0] as number;
  const commands = {
    node: ['-e', '0'],
    help: [BUNDLE, '--help'],
    inspect: [BUNDLE, 'inspect', SAMPLE],
  };
  const times: Record<keyof typeof commands, number[]> = { node: [], help: [], inspect: [] };
  // One warm-up round (the page cache), then RUNS alternating rounds.
  for (let round = 0; round <= RUNS; round += 1)
    for (const [name, args] of Object.entries(commands)) {
      const ms = timeRun(args);
      if (round > 0) times[name as keyof typeof commands].push(ms);
    }
  const node = median(times.node);
  const row = (metric: string, values: number[], targetMs: number): BenchRow => {
    const value = median(values);
    return {
      metric,
      value,
      unit: 'ms',
      ratio: value / node,
      baseline: '`node -e 0`',
      target: `≤ ${targetMs} ms`,
      pass: value <= targetMs,
      note: `median of ${values.length}, alternating with \`node -e 0\`; ${Math.round(value - node)} ms above it`,
    };
  };
  return [
    {
      metric: '`node -e 0` (baseline)',
      value: node,
      unit: 'ms',
      note:
        `median of ${times.node.length}; load average ${load.toFixed(1)} (${os.cpus().length} cores) when it began` +
        (realTimeScheduled() ? ', run real-time (chrt -f), so other processes could not preempt it' : ''),
    },
    row('CLI startup: `ckpt-lens --help`', times.help, 150),
    row('CLI startup: `ckpt-lens inspect` of the 478 KiB sample', times.inspect, 300),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = measureCliStartup();
  for (const row of rows)
    console.log(
      `${row.metric}: ${row.value.toFixed(1)} ms${row.ratio !== undefined ? ` (${row.ratio.toFixed(2)}× node -e 0)` : ''}${row.target ? `, target ${row.target} ${row.pass ? '✓' : '✗'}` : ''}`,
    );
  if (process.argv.includes('--write')) {
    const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as BenchResults;
    const updated = withRemeasuredRows(results, rows, new Date().toISOString(), 'npm run bench:startup');
    writeFileSync('bench/results.json', `${JSON.stringify(updated, null, 2)}\n`);
    writeFileSync(PERFORMANCE_DOC, withSection(readFileSync(PERFORMANCE_DOC, 'utf8'), updated));
    execFileSync('npx', ['prettier', '--write', PERFORMANCE_DOC], { stdio: 'ignore' });
    console.log(`replaced the startup rows of bench/results.json and its table in ${PERFORMANCE_DOC} (commit both)`);
  }
}
