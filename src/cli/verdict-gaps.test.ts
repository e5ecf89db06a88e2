import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../test/cli';
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
