import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEntryBytes } from '../../core/distributed';
import { openCheckpoint } from '../../core/open';
import { MemorySource } from '../../io/byte-source';
import { fixturePath } from '../../test/fixtures';
import { runCli as run } from '../../test/cli';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-reslice-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dist = (...parts: string[]) => fixturePath('distributed', ...parts);

/** Every tensor of `file` equals the same tensor of the fixture's rank file, and the names match. */
async function expectRankFile(file: string, caseName: string, rank: number): Promise<void> {
  const got = await openCheckpoint(new MemorySource(new Uint8Array(readFileSync(file))));
  const want = await openCheckpoint(
    new MemorySource(new Uint8Array(readFileSync(dist(caseName, `rank_${rank}`, `checkpoint_${rank}.ckpt`)))),
  );
  expect(got.index.tensors.map((t) => t.name).sort(), file).toEqual(want.index.tensors.map((t) => t.name).sort());
  for (const entry of want.index.tensors) {
    const mine = got.index.tensors.find((t) => t.name === entry.name);
    expect(mine?.shape, `${entry.name} rank ${rank}`).toEqual(entry.shape);
    const a = await readEntryBytes(got.plaintext, mine ?? entry, 0, mine?.bytes ?? 0);
    const b = await readEntryBytes(want.plaintext, entry, 0, entry.bytes);
    expect(Buffer.from(a).equals(Buffer.from(b)), `${entry.name} rank ${rank}`).toBe(true);
  }
}

describe('ckpt-lens reslice', () => {
  it('cuts expected_merged.safetensors for the training strategy back into every rank (case2, opt shard)', async () => {
    const out = path.join(work, 'case2');
    const result = await run(
      'reslice',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard', 'expected_merged.safetensors'),
      '--out',
      out,
      '--format',
      'ckpt',
    );
    expect(result.code, result.err.join('\n')).toBe(0);
    expect(readdirSync(out).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((r) => `rank_${r}`));
    for (let rank = 0; rank < 8; rank += 1)
      await expectRankFile(path.join(out, `rank_${rank}`, 'net.ckpt'), 'case2_opt_shard', rank);
  });

  it('from a unified directory (parts + hyper_param), one chosen rank of a pipeline set (case3)', async () => {
    const unified = path.join(work, 'unified3');
    const merged = await run(
      'merge',
      '--strategy',
      dist('case3_pipeline', 'merged_strategy.ckpt'),
      dist('case3_pipeline'),
      '--out',
      unified,
      '--part-size',
      '100B',
    );
    expect(merged.code, merged.err.join('\n')).toBe(0);
    const out = path.join(work, 'case3');
    const result = await run(
      'reslice',
      '--strategy',
      dist('case3_pipeline', 'merged_strategy.ckpt'),
      unified,
      '--out',
      out,
      '--rank',
      '3',
      '--format',
      'ckpt',
    );
    expect(result.code, result.err.join('\n')).toBe(0);
    expect(readdirSync(out)).toEqual(['rank_3']);
    await expectRankFile(path.join(out, 'rank_3', 'net.ckpt'), 'case3_pipeline', 3);
  });

  it('transform_checkpoints: rank files + train strategy → target strategy (case1 .safetensors → .ckpt)', async () => {
    const out = path.join(work, 'case1');
    const result = await run(
      'reslice',
      '--strategy',
      dist('case1_tp_dp', 'strategy.json'),
      '--train-strategy',
      dist('case1_tp_dp', 'strategy.ckpt'),
      dist('case1_tp_dp'),
      '--input-format',
      'safetensors',
      '--out',
      out,
      '--format',
      'ckpt',
      '--json',
    );
    expect(result.code, result.err.join('\n')).toBe(0);
    for (let rank = 0; rank < 8; rank += 1)
      await expectRankFile(path.join(out, `rank_${rank}`, 'net.ckpt'), 'case1_tp_dp', rank);
  });

  it('a rank the target strategy does not have is a usage error', async () => {
    const result = await run(
      'reslice',
      '--strategy',
      dist('case2_opt_shard', 'strategy.ckpt'),
      dist('case2_opt_shard', 'expected_merged.safetensors'),
      '--out',
      path.join(work, 'x'),
      '--rank',
      '8',
    );
    expect(result.code).toBe(2);
  });
});
