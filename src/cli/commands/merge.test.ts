import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../core/open';
import { encryptBytes } from '../../crypto/encrypt';
import { readEntryBytes } from '../../core/distributed';
import { MemorySource } from '../../io/byte-source';
import { expectedTensors } from '../../test/distributed';
import { fixtureBytes, fixturePath } from '../../test/fixtures';
import { runCli as run } from '../../test/cli';
import { generateMergeSet } from '../../../bench/merge-set';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-merge-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dist = (...parts: string[]) => fixturePath('distributed', ...parts);

/** Every tensor of a written file equals the case's expected merge, bit for bit. */
async function expectMergedFile(file: string, caseName: string): Promise<void> {
  const opened = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(file))));
  const expected = await expectedTensors(caseName);
  expect(opened.index.tensors.map((t) => t.name).sort()).toEqual([...expected.keys()].sort());
  for (const entry of opened.index.tensors) {
    const want = expected.get(entry.name);
    expect(entry.dtype, entry.name).toBe(want?.dtype);
    expect(entry.shape, entry.name).toEqual(want?.shape);
    const bytes = await readEntryBytes(opened.plaintext, entry, 0, entry.bytes);
    expect(Buffer.from(bytes).equals(Buffer.from(want?.bytes ?? [])), entry.name).toBe(true);
  }
}

describe('ckpt-lens merge', () => {
  it('case2 (opt shard): the merged safetensors file is expected_merged.safetensors byte for byte', async () => {
    const out = path.join(work, 'case2.safetensors');
    const result = await run(
      'merge',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard'),
      '--out',
      out,
    );
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(
      Buffer.compare(
        readFileSync(out),
        Buffer.from(fixtureBytes('distributed', 'case2_opt_shard', 'expected_merged.safetensors')),
      ),
    ).toBe(0);
    expect(readdirSync(work).some((name) => name.endsWith('.partial'))).toBe(false);
  });

  it('case3 (pipeline) from the two per-stage strategies and from the merged one, byte for byte', async () => {
    for (const strategies of [['merged_strategy.ckpt'], ['strategy_stage0.ckpt', 'strategy_stage1.ckpt']]) {
      const out = path.join(work, `case3-${strategies.length}.safetensors`);
      const args = strategies.flatMap((file) => ['--strategy', dist('case3_pipeline', file)]);
      const result = await run('merge', ...args, dist('case3_pipeline'), '--out', out);
      expect(result.code, result.err.join('\n')).toBe(0);
      expect(
        Buffer.compare(
          readFileSync(out),
          Buffer.from(fixtureBytes('distributed', 'case3_pipeline', 'expected_merged.safetensors')),
        ),
      ).toBe(0);
    }
  });

  it('case1 from .ckpt and .safetensors shards, protobuf and JSON strategies; also to .ckpt', async () => {
    // Tensor bytes are compared: the safetensors writer orders by dtype first (the official layout),
    // the fixture by name, and case1 mixes dtypes.
    for (const [inputFormat, strategy, outName] of [
      ['ckpt', 'strategy.ckpt', 'c1a.safetensors'],
      ['safetensors', 'strategy.json', 'c1b.safetensors'],
      ['safetensors', 'strategy.ckpt', 'c1c.ckpt'],
    ] as const) {
      const out = path.join(work, outName);
      const result = await run(
        'merge',
        '--strategy',
        dist('case1_tp_dp', strategy),
        dist('case1_tp_dp'),
        '--input-format',
        inputFormat,
        '--out',
        out,
        '--json',
      );
      expect(result.code, result.err.join('\n')).toBe(0);
      const report = JSON.parse(result.out[0] ?? '{}') as { merged: number; copied: number; format: string };
      expect(report).toMatchObject({
        merged: 3,
        copied: 1,
        format: outName.endsWith('.ckpt') ? 'ckpt' : 'safetensors',
      });
      await expectMergedFile(out, 'case1_tp_dp');
    }
  });

  it('rank files given one by one work like the folder', async () => {
    const files = [0, 1, 2, 3].map((r) => dist('case3_pipeline', `rank_${r}`, `checkpoint_${r}.ckpt`));
    const out = path.join(work, 'case3-files.safetensors');
    expect(
      (await run('merge', '--strategy', dist('case3_pipeline', 'merged_strategy.ckpt'), ...files, '--out', out)).code,
    ).toBe(0);
    await expectMergedFile(out, 'case3_pipeline');
  });

  it('unified layout: parts of a chosen size, param_name_map.json, hyper_param.safetensors', async () => {
    const dir = path.join(work, 'unified1');
    const result = await run(
      'merge',
      '--strategy',
      dist('case1_tp_dp', 'strategy.ckpt'),
      dist('case1_tp_dp'),
      '--input-format',
      'ckpt',
      '--out',
      dir,
      '--part-size',
      '300B',
    );
    expect(result.code, result.err.join('\n')).toBe(0);
    // 584 merged bytes (512 + 64 + 8) in parts of ~300 B → 2 parts; global_step goes to hyper_param.
    expect(readdirSync(dir).sort()).toEqual([
      'hyper_param.safetensors',
      'param_name_map.json',
      'part0.safetensors',
      'part1.safetensors',
    ]);
    const map = JSON.parse(readFileSync(path.join(dir, 'param_name_map.json'), 'utf8')) as {
      metadata: { total_size: number };
      weight_map: Record<string, string>;
    };
    expect(map.metadata.total_size).toBe(584);
    expect(map.weight_map).toEqual({
      'layer.weight': 'part0.safetensors',
      'layer.bias': 'part1.safetensors',
      'norm.gamma': 'part1.safetensors',
    });
    const expected = await expectedTensors('case1_tp_dp');
    for (const file of ['part0.safetensors', 'part1.safetensors', 'hyper_param.safetensors']) {
      const opened = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(path.join(dir, file)))));
      expect(opened.index.metadata).toEqual({ format: 'ms' });
      for (const entry of opened.index.tensors) {
        if (file !== 'hyper_param.safetensors') expect(map.weight_map[entry.name]).toBe(file);
        else expect(entry.name).toBe('global_step');
        const bytes = await readEntryBytes(opened.plaintext, entry, 0, entry.bytes);
        expect(Buffer.from(bytes).equals(Buffer.from(expected.get(entry.name)?.bytes ?? []))).toBe(true);
      }
    }
  });

  it('a missing rank: exit 3 naming the parameter and the ranks; --allow-incomplete writes the rest', async () => {
    const files = [0, 2, 3, 4, 6, 7].map((r) => dist('case1_tp_dp', `rank_${r}`, `checkpoint_${r}.ckpt`));
    const out = path.join(work, 'incomplete.safetensors');
    const strategy = dist('case1_tp_dp', 'strategy.ckpt');
    const refused = await run('merge', '--strategy', strategy, ...files, '--out', out);
    // A parameter that cannot be merged is a load finding, as layout says (exit 3).
    expect(refused.code).toBe(3);
    expect(refused.err.join('\n')).toContain('layer.bias');
    expect(refused.err.join('\n')).toContain('[1, 5]');
    const allowed = await run('merge', '--strategy', strategy, ...files, '--out', out, '--allow-incomplete', '--json');
    expect(allowed.code).toBe(0);
    const report = JSON.parse(allowed.out[0] ?? '{}') as {
      skipped: { name: string }[];
      problems: { code: string; ranks?: number[] }[];
    };
    expect(report.skipped.map((s) => s.name)).toEqual(['layer.bias']);
    expect(report.problems.find((p) => p.code === 'missing-ranks')?.ranks).toEqual([1, 5]);
    const opened = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(out))));
    expect(opened.index.tensors.map((t) => t.name).sort()).toEqual(['global_step', 'layer.weight', 'norm.gamma']);
  });

  it('encrypted rank files with one key for all (MindSpore dec_key)', async () => {
    const key = new Uint8Array(16).map((_, i) => i + 1);
    const hex = Buffer.from(key).toString('hex');
    const dir = path.join(work, 'encrypted');
    for (let rank = 0; rank < 8; rank += 1) {
      mkdirSync(path.join(dir, `rank_${rank}`), { recursive: true });
      const plain = fixtureBytes('distributed', 'case2_opt_shard', `rank_${rank}`, `checkpoint_${rank}.ckpt`);
      writeFileSync(
        path.join(dir, `rank_${rank}`, `checkpoint_${rank}.ckpt`),
        await encryptBytes(plain, { mode: 'AES-GCM', key }),
      );
    }
    const strategy = dist('case2_opt_shard', 'strategy.ckpt');
    const out = path.join(work, 'encrypted.safetensors');
    const locked = await run('merge', '--strategy', strategy, dir, '--out', out);
    expect(locked.code).toBe(1);
    expect(locked.err.join('\n')).toContain('encrypted');
    const result = await run('merge', '--strategy', strategy, dir, '--out', out, '--key', hex);
    expect(result.code, result.err.join('\n')).toBe(0);
    expect(
      Buffer.compare(
        readFileSync(out),
        Buffer.from(fixtureBytes('distributed', 'case2_opt_shard', 'expected_merged.safetensors')),
      ),
    ).toBe(0);
  });

  it('usage and input errors', async () => {
    expect((await run('merge', dist('case1_tp_dp'), '--out', path.join(work, 'x.safetensors'))).code).toBe(2);
    expect(
      (await run('merge', '--strategy', dist('case2_opt_shard', 'strategy.ckpt'), dist('case2_opt_shard'))).code,
    ).toBe(2);
    // Both .ckpt and .safetensors in each rank folder: the user must choose.
    const ambiguous = await run('layout', '--strategy', dist('case1_tp_dp', 'strategy.ckpt'), dist('case1_tp_dp'));
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err.join('\n')).toContain('--input-format');
    // A checkpoint given as the strategy.
    const wrong = await run(
      'layout',
      '--strategy',
      dist('case2_opt_shard', 'rank_0', 'checkpoint_0.ckpt'),
      dist('case2_opt_shard'),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err.join('\n')).toContain('Not a strategy file');
    // A strategy given as a rank file.
    const swapped = await run(
      'layout',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard', 'strategy.ckpt'),
    );
    expect(swapped.code).toBe(1);
    expect(swapped.err.join('\n')).toContain('parallel strategy file, not a checkpoint');
    // Strategy of another case: nothing matches.
    const other = await run(
      'layout',
      '--strategy',
      dist('case3_pipeline', 'merged_strategy.ckpt'),
      dist('case2_opt_shard'),
    );
    expect(other.code).toBe(1);
    expect(other.err.join('\n')).toContain('does not describe these checkpoints');
  });
});

describe('ckpt-lens layout', () => {
  it('--json gives per parameter name, dtype, fullShape, sliceShape, split, ranks, problems (case3)', async () => {
    const result = await run(
      'layout',
      '--strategy',
      dist('case3_pipeline', 'merged_strategy.ckpt'),
      dist('case3_pipeline'),
      '--json',
    );
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out[0] ?? '{}') as { parameters: Record<string, unknown>[] };
    const manifest = JSON.parse(readFileSync(dist('case3_pipeline', 'manifest.json'), 'utf8')) as {
      params: Record<string, { full_shape: number[]; dtype: string; boxes: Record<string, number[][]> }>;
    };
    for (const [name, param] of Object.entries(manifest.params)) {
      const got = json.parameters.find((p) => p.name === name);
      expect(got).toMatchObject({
        name,
        dtype: param.dtype,
        fullShape: param.full_shape,
        ranks: param.boxes,
        problems: [],
      });
      expect(got?.sliceShape).toEqual([4, 4]);
      expect(got?.split).toEqual(param.full_shape.map((size) => size / 4));
    }
  });

  it('the real golden-stick shards with a strategy of another model: mismatch and differing replicas', async () => {
    const result = await run(
      'layout',
      '--strategy',
      fixturePath('real', 'golden-stick__ckpt_strategy_rank_0.ckpt'),
      fixturePath('real', 'golden-stick__llama2-13b-fp16'),
      '--check-replicas',
    );
    // Replicas that differ are an integrity finding: exit 3.
    expect(result.code).toBe(3);
    const text = result.out.join('\n');
    expect(text).toContain('The strategy does not match the files: 351 of 363 strategy parameters are in no rank file');
    expect(text).toMatch(
      /lm_head\.weight[^\n]*\n(?:[^\n]*\n)*?\s+! Replicas that should be identical differ: rank 1 differs from rank 0/,
    );
    const merged = await run(
      'merge',
      '--strategy',
      fixturePath('real', 'golden-stick__ckpt_strategy_rank_0.ckpt'),
      fixturePath('real', 'golden-stick__llama2-13b-fp16'),
      '--out',
      path.join(work, 'golden.safetensors'),
      '--check-replicas',
    );
    // The replicas disagree: an integrity finding, and nothing is written.
    expect(merged.code).toBe(3);
    expect(merged.err.join('\n')).toContain('A rank file does not belong to this set');
    expect(existsSync(path.join(work, 'golden.safetensors'))).toBe(false);
    expect(existsSync(path.join(work, 'golden.safetensors.partial'))).toBe(false);
  });

  it('--max-process-num: worker threads write whole outputs or byte ranges of one; the same bytes as one thread', async () => {
    const cases = [
      ['case1_tp_dp', 'strategy.ckpt'],
      ['case2_opt_shard', 'strategy.ckpt'],
      ['case3_pipeline', 'merged_strategy.ckpt'],
    ] as const;
    for (const [caseName, strategyFile] of cases) {
      for (const format of ['safetensors', 'ckpt'] as const) {
        const base = [
          '--strategy',
          dist(caseName, strategyFile),
          dist(caseName),
          '--format',
          format,
          '--input-format',
          'ckpt',
        ];
        // One file (cut into byte ranges for 3 threads), and unified parts (one output per thread).
        const single = path.join(work, `${caseName}-one.${format}`);
        expect((await run('merge', ...base, '--out', single)).code).toBe(0);
        const pooled = path.join(work, `${caseName}-pool.${format}`);
        const result = await run('merge', ...base, '--out', pooled, '--max-process-num', '3');
        expect(result.code, result.err.join('\n')).toBe(0);
        expect(Buffer.compare(readFileSync(pooled), readFileSync(single)), `${caseName} ${format}`).toBe(0);
        const partsOne = path.join(work, `${caseName}-${format}-parts-one`);
        const partsPool = path.join(work, `${caseName}-${format}-parts-pool`);
        expect((await run('merge', ...base, '--out', partsOne, '--part-size', '200B')).code).toBe(0);
        const parts = await run('merge', ...base, '--out', partsPool, '--part-size', '200B', '--max-process-num', '2');
        expect(parts.code, parts.err.join('\n')).toBe(0);
        const names = readdirSync(partsOne).sort();
        expect(readdirSync(partsPool).sort()).toEqual(names);
        for (const name of names)
          expect(
            Buffer.compare(readFileSync(path.join(partsPool, name)), readFileSync(path.join(partsOne, name))),
            name,
          ).toBe(0);
      }
    }
    expect(readdirSync(work, { recursive: true }).some((name) => String(name).endsWith('.partial'))).toBe(false);
  }, 180_000);

  it('--max-process-num on a generated 8-rank set: one file cut into byte ranges, the same bytes as one thread', async () => {
    // Big enough to be cut into ranges (ranges align to 4 KiB; the fixtures are smaller).
    const set = generateMergeSet(path.join(work, 'generated'), 2 * 1024 * 1024, { hidden: 64 });
    const base = ['--strategy', set.strategy, ...set.ranks];
    const one = path.join(work, 'generated-one.safetensors');
    const pooled = path.join(work, 'generated-pool.safetensors');
    expect((await run('merge', ...base, '--out', one)).code).toBe(0);
    const result = await run('merge', ...base, '--out', pooled, '--max-process-num', '3');
    expect(result.code, result.err.join('\n')).toBe(0);
    expect(Buffer.compare(readFileSync(pooled), readFileSync(one))).toBe(0);
  }, 180_000);

  it('--max-process-num refuses a count that is not 1 to 64, with a sentence', async () => {
    const result = await run(
      'merge',
      '--strategy',
      dist('case1_tp_dp', 'strategy.ckpt'),
      dist('case1_tp_dp'),
      '--out',
      path.join(work, 'never.safetensors'),
      '--max-process-num',
      '0',
    );
    expect(result.code).not.toBe(0);
    expect(result.err.join('\n')).toMatch(/max-process-num/);
  });
});
