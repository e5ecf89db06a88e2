import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../test/cli';
import { checkpointBytes } from '../test/ckpt-records';
import { fixturePath } from '../test/fixtures';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-verdict-gaps-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dist = (...parts: string[]): string => fixturePath('distributed', ...parts);
const text = (result: { out: string[]; err: string[] }): string => [...result.out, ...result.err].join('\n');

describe('strategy fields of the wrong type', () => {
  it('current_stage "x": layout and merge refuse the strategy (exit 1), naming the field and what it holds', async () => {
    const strategy = path.join(work, 'stage-string.json');
    writeFileSync(
      strategy,
      JSON.stringify({
        current_stage: 'x',
        parallel_layout_item: {
          w: { dev_matrix: [2, 4], tensor_map: [1, -1], field: 0, opt_weight_shard_step: 0, opt_weight_shard_size: 0 },
        },
      }),
    );
    for (const extra of [['layout'], ['merge', '--out', path.join(work, 'o.ckpt')]]) {
      const [command = '', ...rest] = extra;
      const result = await run(command, '--strategy', strategy, dist('case1_tp_dp'), ...rest);
      expect(result.code, command).toBe(1);
      expect(text(result)).toContain('its current_stage is "x" (a string), not a whole number from 0 to 4,294,967,295');
    }
  });
});

describe('a rank the strategy does not have', () => {
  /** case1's eight ranks (ckpt) and a ninth, rank_8, a copy of rank 0: the strategy has 8 devices. */
  function setWithRank8(): string {
    const dir = path.join(work, 'extra-rank');
    for (let rank = 0; rank <= 8; rank += 1) {
      mkdirSync(path.join(dir, `rank_${rank}`), { recursive: true });
      const from = rank === 8 ? 0 : rank;
      copyFileSync(
        dist('case1_tp_dp', `rank_${from}`, `checkpoint_${from}.ckpt`),
        path.join(dir, `rank_${rank}`, `checkpoint_${rank}.ckpt`),
      );
    }
    return dir;
  }
  const sentence =
    "Rank files the strategy does not describe (rank 8): the strategy describes ranks 0–7. They do not belong to this set, and MindSpore's load_distributed_checkpoint refuses a set with them";

  it('is a finding (exit 3) in layout, merge and reslice; merge and reslice write nothing', async () => {
    const set = setWithRank8();
    const strategy = dist('case1_tp_dp', 'strategy.ckpt');
    const layout = await run('layout', '--strategy', strategy, set);
    expect(layout.code).toBe(3);
    expect(layout.out.join('\n')).toContain(`! ${sentence}`);
    const json = await run('layout', '--strategy', strategy, set, '--json');
    expect(json.code).toBe(3);
    expect((JSON.parse(json.out[0] ?? '{}') as { problems: unknown[] }).problems).toContainEqual({
      code: 'unexpected-ranks',
      severity: 'error',
      detail: 'the strategy describes ranks 0–7',
      ranks: [8],
    });

    const out = path.join(work, 'extra-rank.safetensors');
    const merged = await run('merge', '--strategy', strategy, set, '--out', out);
    expect(merged.code).toBe(3);
    expect(text(merged)).toContain(`A rank file does not belong to this set: ${sentence}`);
    expect(existsSync(out)).toBe(false);

    const resliced = path.join(work, 'extra-rank-resliced');
    const reslice = await run('reslice', '--strategy', strategy, '--train-strategy', strategy, set, '--out', resliced);
    expect(reslice.code).toBe(3);
    expect(text(reslice)).toContain(sentence);
    expect(existsSync(resliced)).toBe(false);

    // Without the ninth file the same set merges.
    rmSync(path.join(set, 'rank_8'), { recursive: true });
    expect((await run('merge', '--strategy', strategy, set, '--out', out)).code).toBe(0);
  });
});

describe('stats on a finding no number shows', () => {
  it('a str value that is not UTF-32 (MindSpore reads numpy "U"): exit 3 with the line inspect gives', async () => {
    const file = path.join(work, 'str-utf8.ckpt');
    // "hello" as UTF-8: 5 bytes, not whole UTF-32 code points; and a Float32 MindSpore loads.
    writeFileSync(
      file,
      checkpointBytes([
        ['w', [2], 'Float32', new Uint8Array(Float32Array.from([1, 2]).buffer)],
        ['note', [0], 'str', new TextEncoder().encode('hello')],
      ]),
    );
    const inspect = await run('inspect', file);
    expect(inspect.code).toBe(3);
    const stats = await run('stats', file);
    expect(stats.code).toBe(3);
    expect(stats.out.join('\n')).toContain('! note: The string content is not valid UTF-32.');
    // Only the tensors stats is asked about count: the Float32 alone is clean.
    const one = await run('stats', file, '--tensor', 'w');
    expect(one.code).toBe(0);
    expect((await run('stats', file, '--filter', 'name == "w"')).code).toBe(0);
    expect((await run('stats', file, '--filter', 'name == "note"')).code).toBe(3);
  });
});
