// The installed command's startup: `ckpt-lens --help` and `ckpt-lens inspect <sample>` run from
// the bundle (dist-cli/, `npm run build:cli`) as a global install runs it — `node <bundle>` —
// each as a ratio to `node -e 0` measured alternately in the same run, so load from other
// processes falls on all three alike. `npm run bench` includes these rows; `npm run
// bench:startup` measures them alone and prints them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchRow } from './table';

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

export function measureCliStartup(): BenchRow[] {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build:cli first`);
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
    { metric: '`node -e 0` (baseline)', value: node, unit: 'ms', note: `median of ${times.node.length}` },
    row('CLI startup: `ckpt-lens --help`', times.help, 150),
    row('CLI startup: `ckpt-lens inspect` of the 478 KiB sample', times.inspect, 300),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of measureCliStartup())
    console.log(
      `${row.metric}: ${row.value.toFixed(1)} ms${row.ratio !== undefined ? ` (${row.ratio.toFixed(2)}× node -e 0)` : ''}${row.target ? `, target ${row.target} ${row.pass ? '✓' : '✗'}` : ''}`,
    );
}
