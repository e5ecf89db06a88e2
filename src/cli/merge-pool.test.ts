import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMergedView } from '../core/distributed';
import { buildExport, planExport } from '../core/export';
import { caseRanks, caseStrategy } from '../test/distributed';
import { fixturePath } from '../test/fixtures';
import { writeOnPool } from './merge-pool';

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-merge-pool-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('merge worker pool', () => {
  it("a member's failure rejects with its LensError, and no output or .partial file is left", async () => {
    const view = openMergedView(
      await caseStrategy('case2_opt_shard', 'strategy.ckpt'),
      await caseRanks('case2_opt_shard', 'ckpt'),
    );
    const names = view.index.tensors.map((entry) => entry.name);
    const job = await buildExport(view, planExport(view.index, { format: 'safetensors', select: names }));
    const outputs = ['a', 'b'].map((name) => ({ file: path.join(work, `${name}.safetensors`), names, job }));
    // The members are told of a strategy file that is not there: they fail as they open it.
    const failing = writeOnPool(
      outputs,
      {
        strategyPaths: [path.join(work, 'missing-strategy.ckpt')],
        inputs: [fixturePath('distributed', 'case2_opt_shard')],
        inputFormat: 'ckpt',
        format: 'safetensors',
      },
      2,
      new AbortController().signal,
    );
    await expect(failing).rejects.toMatchObject({ name: 'LensError' });
    for (const output of outputs) expect(existsSync(output.file)).toBe(false);
    expect(readdirSync(work).filter((name) => name.endsWith('.partial'))).toEqual([]);
  }, 30_000);
});
