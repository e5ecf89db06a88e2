import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../core/open';
import { MemorySource } from '../../io/byte-source';
import { runCli as run } from '../../test/cli';
import { checkpointBytes, type RecordSpec } from '../../test/ckpt-records';

/**
 * Verdicts of layout, merge and reslice on sets built here: a case1-like layout (8 ranks,
 * dev_matrix [2,4]; layer.weight [8,16] split in 2 by rows, layer.bias [16] split in 4,
 * norm.gamma replicated) with one thing wrong at a time.
 */
const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-verdicts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RANKS = 8;

function float32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

const WEIGHT = Array.from({ length: 8 * 16 }, (_, i) => i);
const BIAS = Array.from({ length: 16 }, (_, i) => 100 + i);
const GAMMA = new Uint8Array([0, 0x3c, 0, 0x40, 0, 0x42, 0, 0x44]); // Float16 1, 2, 3, 4

interface Layout {
  dev_matrix: number[];
  tensor_map: number[];
  tensor_shape?: number[];
  field: number;
  opt_weight_shard_step: number;
  opt_weight_shard_size: number;
}

const layout = (tensorMap: number[], shape: number[]): Layout => ({
  dev_matrix: [2, 4],
  tensor_map: tensorMap,
  tensor_shape: shape,
  field: 0,
  opt_weight_shard_step: 0,
  opt_weight_shard_size: 0,
});

const LAYOUTS: Record<string, Layout> = {
  'layer.weight': layout([1, -1], [8, 16]),
  'layer.bias': layout([0], [16]),
  'norm.gamma': layout([-1], [4]),
};

function writeStrategy(name: string, layouts: Record<string, Layout> = LAYOUTS): string {
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ current_stage: 1, parallel_layout_item: layouts }));
  return file;
}

/** What rank `r` holds: rows 4·⌊r/4⌋… of the weight, elements 4·(r mod 4)… of the bias. */
function rankRecords(rank: number): RecordSpec[] {
  const rows = Math.floor(rank / 4) * 4;
  const cols = (rank % 4) * 4;
  return [
    ['layer.weight', [4, 16], 'Float32', float32(WEIGHT.slice(rows * 16, (rows + 4) * 16))],
    ['layer.bias', [4], 'Float32', float32(BIAS.slice(cols, cols + 4))],
    ['norm.gamma', [4], 'Float16', GAMMA],
    ['global_step', [1], 'Int32', new Uint8Array([42, 0, 0, 0])],
  ];
}

/** A set folder rank_<r>/checkpoint_<r>.ckpt; `change` may replace one rank's records. */
function writeSet(name: string, change: (rank: number, records: RecordSpec[]) => RecordSpec[] = (_, r) => r): string {
  const dir = path.join(work, name);
  for (let rank = 0; rank < RANKS; rank += 1) {
    mkdirSync(path.join(dir, `rank_${rank}`), { recursive: true });
    writeFileSync(
      path.join(dir, `rank_${rank}`, `checkpoint_${rank}.ckpt`),
      checkpointBytes(change(rank, rankRecords(rank))),
    );
  }
  return dir;
}

function writeUnified(name: string, records: RecordSpec[]): string {
  const file = path.join(work, `${name}.ckpt`);
  writeFileSync(file, checkpointBytes(records));
  return file;
}

const FULL: RecordSpec[] = [
  ['layer.weight', [8, 16], 'Float32', float32(WEIGHT)],
  ['layer.bias', [16], 'Float32', float32(BIAS)],
  ['norm.gamma', [4], 'Float16', GAMMA],
];

/** Everything under a folder (recursively), or [] when it does not exist. */
const filesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((name) => name.includes('.'))
    : [];

const replace = (records: RecordSpec[], name: string, record: RecordSpec): RecordSpec[] =>
  records.map((r) => (r[0] === name ? record : r));

describe('reslice runs every check merge makes, and writes nothing when one fails', () => {
  const strategy = writeStrategy('train');
  const damaged: [string, (rank: number, records: RecordSpec[]) => RecordSpec[], RegExp][] = [
    [
      'a [2,16] slice at rank 2',
      (rank, records) =>
        rank === 2
          ? replace(records, 'layer.weight', ['layer.weight', [2, 16], 'Float32', new Uint8Array(128)])
          : records,
      /A slice has a shape that contradicts the other ranks \(rank 2\): other ranks hold \[4,16\]/,
    ],
    [
      'another dtype at rank 2',
      (rank, records) =>
        rank === 2
          ? replace(records, 'layer.weight', ['layer.weight', [4, 16], 'Int32', new Uint8Array(256)])
          : records,
      /Ranks disagree on the dtype \(rank 2\): expected Float32/,
    ],
    [
      'a replica byte flipped at rank 6',
      (rank, records) =>
        rank === 6
          ? replace(records, 'norm.gamma', [
              'norm.gamma',
              [4],
              'Float16',
              new Uint8Array([1, 0x3c, 0, 0x40, 0, 0x42, 0, 0x44]),
            ])
          : records,
      /Replicas that should be identical differ: rank 6 differs from rank 0 at byte 0/,
    ],
  ];
  for (const [what, change, sentence] of damaged) {
    it(`${what}: merge and reslice --train-strategy both exit 3 with the same sentence`, async () => {
      const set = writeSet(`damaged-${what.replace(/\W+/g, '-')}`, change);
      const merged = await run('merge', '--strategy', strategy, set, '--out', path.join(set, 'merged.safetensors'));
      expect(merged.code).toBe(3);
      expect(merged.err.join('\n')).toMatch(sentence);
      const out = path.join(set, 'resliced');
      const resliced = await run('reslice', '--strategy', strategy, '--train-strategy', strategy, set, '--out', out);
      expect(resliced.code, resliced.err.join('\n')).toBe(3);
      expect(resliced.err.join('\n')).toMatch(sentence);
      expect(resliced.err.join('\n')).toContain('A rank file does not belong to this set');
      expect(filesIn(out)).toEqual([]);
    });
  }

  it('the undamaged set re-slices for its own strategy into the rank files it came from', async () => {
    const set = writeSet('intact');
    const out = path.join(set, 'resliced');
    const result = await run(
      'reslice',
      '--strategy',
      strategy,
      '--train-strategy',
      strategy,
      set,
      '--out',
      out,
      '--format',
      'ckpt',
    );
    expect(result.code, result.err.join('\n')).toBe(0);
    for (let rank = 0; rank < RANKS; rank += 1) {
      const got = readFileSync(path.join(out, `rank_${rank}`, 'net.ckpt'));
      const opened = await openCheckpoint(new MemorySource(new Uint8Array(got)));
      expect(opened.index.tensors.map((t) => [t.name, t.shape]).sort()).toEqual(
        rankRecords(rank)
          .map(([name, dims]) => [name, dims])
          .sort(),
      );
    }
  });
});

describe('reslice of a unified checkpoint checks it holds what the strategy describes', () => {
  const strategy = writeStrategy('target');

  it('an input that holds none of the strategy parameters: bad input (1), nothing written', async () => {
    const input = writeUnified('unrelated', [
      ['conv.weight', [2, 2], 'Float32', new Uint8Array(16)],
      ['conv.bias', [2], 'Float32', new Uint8Array(8)],
    ]);
    const out = path.join(work, 'out-unrelated');
    const result = await run('reslice', '--strategy', strategy, input, '--out', out);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain(
      `None of the 3 parameters the strategy lists is in the input (in ${input}); it holds 2 tensors: conv.weight, conv.bias.`,
    );
    expect(filesIn(out)).toEqual([]);
  });

  it('an input that lacks some: exit 3 naming them; --allow-incomplete writes rank files without them', async () => {
    const input = writeUnified('partial', FULL.slice(0, 2));
    const out = path.join(work, 'out-partial');
    const refused = await run('reslice', '--strategy', strategy, input, '--out', out);
    expect(refused.code).toBe(3);
    expect(refused.err.join('\n')).toContain(
      '"norm.gamma": the target strategy lists it but the input does not hold it (1 of 3 strategy parameters are missing: norm.gamma); --allow-incomplete writes the rank files without them.',
    );
    expect(filesIn(out)).toEqual([]);
    const allowed = await run('reslice', '--strategy', strategy, input, '--out', out, '--allow-incomplete', '--json');
    expect(allowed.code, allowed.err.join('\n')).toBe(0);
    const report = JSON.parse(allowed.out[0] ?? '{}') as { outputs: { tensors: number }[] };
    expect(report.outputs.map((o) => o.tensors)).toEqual(new Array<number>(RANKS).fill(2));
  });

  it('a shape the strategy contradicts (layer.weight [4,16], tensor_shape [8,16]): exit 3, nothing written', async () => {
    // [4,16] still splits evenly in two: only the strategy's full shape tells it is the wrong tensor.
    const input = writeUnified(
      'half-weight',
      replace(FULL, 'layer.weight', ['layer.weight', [4, 16], 'Float32', float32(WEIGHT.slice(0, 64))]),
    );
    const out = path.join(work, 'out-half');
    const result = await run('reslice', '--strategy', strategy, input, '--out', out);
    expect(result.code).toBe(3);
    expect(result.err.join('\n')).toContain(
      'A parameter cannot be cut for the target strategy: "layer.weight": the strategy gives its full shape as [8, 16], the input holds [4, 16].',
    );
    expect(filesIn(out)).toEqual([]);
  });

  it('a tensor that cannot be cut for one rank stops the run before any rank file is written', async () => {
    // layer.bias [15] cannot be cut in 4: found while planning, before rank 0 is written.
    const noShapes = Object.fromEntries(
      Object.entries(LAYOUTS).map(([name, { tensor_shape: _shape, ...rest }]) => [name, rest]),
    );
    const input = writeUnified(
      'odd-bias',
      replace(FULL, 'layer.bias', ['layer.bias', [15], 'Float32', new Uint8Array(60)]),
    );
    const out = path.join(work, 'out-odd');
    const result = await run('reslice', '--strategy', writeStrategy('no-shapes', noShapes), input, '--out', out);
    expect(result.code).toBe(3);
    expect(result.err.join('\n')).toContain('"layer.bias": dimension 0 (15) cannot be split into 4 equal pieces.');
    expect(filesIn(out)).toEqual([]);
  });
});

describe('a strategy parameter that no rank file holds cannot be merged', () => {
  it('merge and layout exit 3 naming it; --allow-incomplete writes the others', async () => {
    const set = writeSet('extra-param');
    const strategy = writeStrategy('extra-param', { ...LAYOUTS, 'head.weight': layout([1, -1], [8, 16]) });
    const out = path.join(set, 'merged.safetensors');
    const refused = await run('merge', '--strategy', strategy, set, '--out', out);
    expect(refused.code).toBe(3);
    expect(refused.err.join('\n')).toContain(
      'A parameter cannot be merged: "head.weight": the strategy lists it but no rank file holds it (1 parameter in all; "layout" lists them, --allow-incomplete writes the others).',
    );
    expect(existsSync(out)).toBe(false);
    const shown = await run('layout', '--strategy', strategy, set);
    expect(shown.code).toBe(3);
    expect(shown.out.join('\n')).toContain(
      '! The strategy does not match the files: 1 of 4 strategy parameters is in no rank file: head.weight.',
    );
    const allowed = await run('merge', '--strategy', strategy, set, '--out', out, '--allow-incomplete');
    expect(allowed.code, allowed.err.join('\n')).toBe(0);
    expect(allowed.out).toContain('skipped 1 strategy parameter that no rank file holds (listed below)');
    const opened = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(out))));
    expect(opened.index.tensors.map((t) => t.name).sort()).toEqual([
      'global_step',
      'layer.bias',
      'layer.weight',
      'norm.gamma',
    ]);
  });

  it('a missing rank leaves a parameter unmergeable: exit 3, as layout says', async () => {
    const set = writeSet('missing-ranks');
    rmSync(path.join(set, 'rank_1'), { recursive: true });
    rmSync(path.join(set, 'rank_5'), { recursive: true });
    const strategy = writeStrategy('missing-ranks');
    expect((await run('layout', '--strategy', strategy, set)).code).toBe(3);
    const merged = await run('merge', '--strategy', strategy, set, '--out', path.join(set, 'm.safetensors'));
    expect(merged.code).toBe(3);
    expect(merged.err.join('\n')).toContain('"layer.bias": no file holds some of its slices');
  });
});

describe('a rank folder with two checkpoints of one format is not resolved silently', () => {
  it('layout, merge and reslice refuse it naming the folder and both files (usage, 2), nothing written', async () => {
    const set = writeSet('two-files');
    const folder = path.join(set, 'rank_1');
    writeFileSync(path.join(folder, 'checkpoint_1b.ckpt'), checkpointBytes(rankRecords(1)));
    const strategy = writeStrategy('two-files');
    const out = path.join(work, 'out-two-files');
    for (const argv of [
      ['layout', '--strategy', strategy, set],
      ['merge', '--strategy', strategy, set, '--out', path.join(work, 'two-files-merged.safetensors')],
      ['reslice', '--strategy', strategy, '--train-strategy', strategy, set, '--out', out],
    ]) {
      const result = await run(...argv);
      expect(result.code, argv[0]).toBe(2);
      expect(result.err.join('\n')).toContain(
        `${folder} holds 2 .ckpt checkpoints (checkpoint_1.ckpt, checkpoint_1b.ckpt) and Ckpt Lens will not guess which one belongs to the set.`,
      );
      expect(result.err.join('\n')).toContain('Move the others out of the folder, or name the file to use');
    }
    expect(filesIn(out)).toEqual([]);
    expect(existsSync(path.join(work, 'two-files-merged.safetensors'))).toBe(false);
    // Naming the file works.
    const ranks = Array.from({ length: RANKS }, (_, r) =>
      r === 1 ? path.join(folder, 'checkpoint_1.ckpt') : path.join(set, `rank_${r}`),
    );
    expect((await run('layout', '--strategy', strategy, ...ranks)).code).toBe(0);
  });
});

describe('layout exit codes stay right', () => {
  it('--check-replicas: 3 when replicas differ, 0 when they agree', async () => {
    const strategy = writeStrategy('replicas');
    const good = writeSet('replicas-good');
    expect((await run('layout', '--strategy', strategy, good, '--check-replicas')).code).toBe(0);
    const bad = writeSet('replicas-bad', (rank, records) =>
      rank === 3 ? replace(records, 'norm.gamma', ['norm.gamma', [4], 'Float16', new Uint8Array(8)]) : records,
    );
    const result = await run('layout', '--strategy', strategy, bad, '--check-replicas');
    expect(result.code).toBe(3);
    expect(result.out.join('\n')).toContain('Replicas that should be identical differ: rank 3 differs from rank 0');
  });

  it('a layout that leaves a parameter unmergeable (tensor_map [1,1]): 3', async () => {
    const strategy = writeStrategy('tmap-twice', { ...LAYOUTS, 'layer.weight': layout([1, 1], [8, 16]) });
    const result = await run('layout', '--strategy', strategy, writeSet('tmap-twice'));
    expect(result.code).toBe(3);
    expect(result.out.join('\n')).toContain(
      '! The tensor map cannot be used: [1,1] uses device axis 1 more than once; each axis can split only one dimension, once.',
    );
  });
});
