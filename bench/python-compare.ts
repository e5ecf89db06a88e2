// Ckpt Lens's CLI against what a Python user runs on the same file, startup included (issue L,
// item 5): Python's `safetensors` (Rust) opening a 10k-tensor file and listing every shape, and
// `torch.load(mmap=True)` doing the same on a torch.save zip; `ckpt-lens inspect --json` on each.
// Every command runs as a user runs it — a fresh process — alternating with the others, so load
// from other processes falls on all alike; values are medians. Where a Python package is not
// installed the row says so and gives no number (nothing here installs anything).
//
// `npm run bench` includes these rows (BENCH_ONLY=python for them alone); `npm run bench:python`
// measures them alone and prints them, and with `-- --write` puts them in place of the full
// run's rows (bench/results.json and its table), every other row kept.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateInputs } from './generate';
import { generateTorchBin } from './pytorch-inputs';
import { PERFORMANCE_DOC, withRemeasuredRows, withSection, type BenchResults, type BenchRow } from './table';

const BUNDLE = path.resolve('dist-cli/ckpt-lens.mjs');
const MiB = 1024 * 1024;
const TENSORS = 10_000;
const RUNS = Number(process.env.BENCH_PYTHON_RUNS ?? 11);

const SAFETENSORS_SCRIPT = [
  'import sys',
  'from safetensors import safe_open',
  'with safe_open(sys.argv[1], framework="np") as f:',
  '    shapes = [f.get_slice(k).get_shape() for k in f.keys()]',
  'assert len(shapes) > 0',
].join('\n');

const TORCH_SCRIPT = [
  'import sys, torch',
  'state = torch.load(sys.argv[1], mmap=True, weights_only=True, map_location="cpu")',
  'shapes = [tuple(t.shape) for t in state.values()]',
  'assert len(shapes) > 0',
].join('\n');

/** Whether `python3` can import `module` here (a missing package gives a row with a note, not a number). */
function pythonHas(module: string): boolean {
  return spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function timeRun(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  // inspect exits 0 on these sound files; anything else means the row measured an error.
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export function measurePythonComparison(inputDir: string): BenchRow[] {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build:cli first`);
  const load = os.loadavg()[0] as number;
  // Small files: the rows measure opening and listing 10k tensors, not reading their bytes.
  const { safetensors } = generateInputs(inputDir, 16 * MiB, TENSORS);
  const torchBin = generateTorchBin(inputDir, 16 * MiB, TENSORS).file;
  const python = spawnSync('python3', ['--version']).status === 0;
  const hasSafetensors = python && pythonHas('safetensors');
  const hasTorch = python && pythonHas('torch');
  const commands: Record<string, [string, string[]] | null> = {
    lensSafetensors: [process.execPath, [BUNDLE, 'inspect', safetensors, '--json']],
    pySafetensors: hasSafetensors ? ['python3', ['-c', SAFETENSORS_SCRIPT, safetensors]] : null,
    lensTorch: [process.execPath, [BUNDLE, 'inspect', torchBin, '--json']],
    pyTorch: hasTorch ? ['python3', ['-c', TORCH_SCRIPT, torchBin]] : null,
  };
  const times: Record<string, number[]> = {};
  for (let round = 0; round <= RUNS; round += 1)
    for (const [name, command] of Object.entries(commands)) {
      if (!command) continue;
      const ms = timeRun(...command);
      if (round > 0) (times[name] ??= []).push(ms);
    }
  const note = `median of ${RUNS}, each a fresh process, alternating; load average ${load.toFixed(1)} (${os.cpus().length} cores) when it began`;
  const missing = (module: string): string =>
    python
      ? `skipped: Python's ${module} is not installed here (pip install ${module} to measure it)`
      : 'skipped: python3 is not installed here';
  const pair = (
    what: string,
    lens: number[] | undefined,
    py: number[] | undefined,
    pyMetric: string,
    module: string,
  ): BenchRow[] => {
    const lensMs = median(lens ?? []);
    const pyMs = py ? median(py) : undefined;
    return [
      pyMs !== undefined
        ? { metric: pyMetric, value: pyMs, unit: 'ms', note }
        : { metric: pyMetric, value: 0, unit: 'ms', skipped: true, note: missing(module) },
      {
        metric: `\`ckpt-lens inspect --json\`, ${what}`,
        value: lensMs,
        unit: 'ms',
        ...(pyMs !== undefined ? { ratio: lensMs / pyMs, baseline: pyMetric } : {}),
        note: pyMs !== undefined ? note : `${note}; no Python figure to compare with on this machine`,
      },
    ];
  };
  return [
    ...pair(
      `same ${TENSORS}-tensor .safetensors`,
      times.lensSafetensors,
      times.pySafetensors,
      `Python safetensors: open a ${TENSORS}-tensor file and list every shape (python3 startup included)`,
      'safetensors',
    ),
    ...pair(
      `same ${TENSORS}-tensor torch.save zip`,
      times.lensTorch,
      times.pyTorch,
      `torch.load(mmap=True) of a ${TENSORS}-tensor torch.save zip, every shape listed (python3 startup included)`,
      'torch',
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const inputDir = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'ckpt-lens-bench-python');
  const rows = measurePythonComparison(inputDir);
  for (const row of rows) console.log(`${row.metric}: ${row.value.toFixed(1)} ms — ${row.note ?? ''}`);
  if (process.argv.includes('--write')) {
    const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as BenchResults;
    const updated = withRemeasuredRows(results, rows, new Date().toISOString(), 'npm run bench:python');
    writeFileSync('bench/results.json', `${JSON.stringify(updated, null, 2)}\n`);
    writeFileSync(PERFORMANCE_DOC, withSection(readFileSync(PERFORMANCE_DOC, 'utf8'), updated));
    execFileSync('npx', ['prettier', '--write', PERFORMANCE_DOC], { stdio: 'ignore' });
    console.log(`replaced the Python comparison rows of bench/results.json and its table in ${PERFORMANCE_DOC}`);
  }
}
