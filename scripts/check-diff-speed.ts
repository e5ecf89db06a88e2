// Quick local check (not a test): a 100k-parameter synthetic checkpoint index diffed against a
// 100k-parameter manifest must take ≤ 200 ms in Node, and a filter over it well under 50 ms.
// Run: npx tsx scripts/check-diff-speed.ts
import { diffAgainstNetwork, type CheckpointParam } from '../src/core/load-rules/diff';
import { compileNameMap } from '../src/core/name-map/name-map';
import { PYTORCH_TO_MINDSPORE_RULES } from '../src/core/name-map/presets';
import { countMatches, filterPredicate } from '../src/core/selection/filter';
import type { NetworkParam } from '../src/formats/manifest/types';

const COUNT = 100_000;
const suffixes = ['conv.weight', 'bn.gamma', 'bn.beta', 'bn.moving_mean', 'bn.moving_variance', 'fc.weight', 'fc.bias'];

function build(prefix: string): { entries: CheckpointParam[]; params: NetworkParam[] } {
  const entries: CheckpointParam[] = [];
  const params: NetworkParam[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    const name = `blocks.${Math.floor(i / suffixes.length)}.${suffixes[i % suffixes.length]}`;
    const shape = i % 7 === 0 ? [64, 64, 3, 3] : [64];
    entries.push({ name: prefix + name, dtype: i % 100 === 1 ? 'Float16' : 'Float32', shape, kind: 'tensor' });
    if (i % 100 === 2) continue; // missing from the checkpoint's point of view: an extra ckpt entry
    const netShape = i % 100 === 3 ? [shape[0]! + 1, ...shape.slice(1)] : shape;
    params.push({ name: i % 100 === 4 ? `${name}_renamed` : name, dtype: 'Float32', shape: netShape });
  }
  return { entries, params };
}

/** CPU time (user + system) as well as wall time: shared machines inflate wall time. */
function time(label: string, budgetMs: number, run: () => unknown): void {
  run(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - started);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = cpu[2]!;
  console.log(
    `${median <= budgetMs ? 'ok  ' : 'SLOW'} ${label}: median ${median.toFixed(1)} ms CPU, ${wall[2]!.toFixed(1)} ms wall (budget ${budgetMs} ms)`,
  );
  if (median > budgetMs) process.exitCode = 1;
}

const plain = build('');
const prefixed = build('network.');
const map = compileNameMap({ exact: {}, rules: PYTORCH_TO_MINDSPORE_RULES });
const filter = filterPredicate('startsWith("blocks.1") and name ~ /\\.(weight|gamma)$/ and numel > 1000');
time('diff, exact names, 100k', 200, () => diffAgainstNetwork(plain.entries, plain.params));
time('diff, strict_load=True, 100k', 200, () => diffAgainstNetwork(plain.entries, plain.params, { strictLoad: true }));
time('diff, every ckpt name prefixed (prefix pass), 100k', 200, () =>
  diffAgainstNetwork(prefixed.entries, prefixed.params),
);
time('diff with the PyTorch preset name map, 100k', 1000, () =>
  diffAgainstNetwork(plain.entries, plain.params, { nameMap: map }),
);
time('filter count over 100k', 50, () => countMatches(filter, plain.entries));
