import { describe, expect, it } from 'vitest';
import { CountingSource } from '../../io/byte-source';
import { caseRanks, caseStrategy, expectedTensors } from '../../test/distributed';
import { openMergedView, readTensor } from './merge';

const cases: { name: string; strategies: string[][]; formats: ('ckpt' | 'safetensors')[] }[] = [
  { name: 'case1_tp_dp', strategies: [['strategy.ckpt'], ['strategy.json']], formats: ['ckpt', 'safetensors'] },
  { name: 'case2_opt_shard', strategies: [['strategy.ckpt']], formats: ['ckpt'] },
  {
    name: 'case3_pipeline',
    strategies: [['merged_strategy.ckpt'], ['strategy_stage0.ckpt', 'strategy_stage1.ckpt']],
    formats: ['ckpt'],
  },
];

describe('merge of the distributed fixtures', () => {
  for (const { name, strategies, formats } of cases) {
    for (const strategyFiles of strategies) {
      for (const format of formats) {
        it(`${name}: ${strategyFiles.join(' + ')} with .${format} shards gives expected_merged.safetensors`, async () => {
          const strategy = await caseStrategy(name, ...strategyFiles);
          const view = openMergedView(strategy, await caseRanks(name, format));
          const expected = await expectedTensors(name);
          expect(view.index.tensors.map((t) => t.name)).toEqual([...expected.keys()].sort());
          for (const entry of view.index.tensors) {
            const want = expected.get(entry.name);
            expect(entry.dtype, entry.name).toBe(want?.dtype);
            expect(entry.shape, entry.name).toEqual(want?.shape);
            expect(await readTensor(view, entry.name), entry.name).toEqual(want?.bytes);
          }
        });
      }
    }
  }

  it("case3: one stage's strategy with that stage's ranks merges that stage's parameters", async () => {
    const strategy = await caseStrategy('case3_pipeline', 'strategy_stage1.ckpt');
    const files = (await caseRanks('case3_pipeline', 'ckpt')).filter((file) => file.rank >= 2);
    const view = openMergedView(strategy, files);
    expect(view.layout.expectedRanks).toEqual([2, 3]);
    expect(view.layout.problems.map((p) => p.code)).toEqual(['strategy-problem']);
    const expected = await expectedTensors('case3_pipeline');
    expect(view.index.tensors.map((t) => t.name)).toEqual(['head.weight', 'shared.weight']);
    for (const entry of view.index.tensors)
      expect(await readTensor(view, entry.name)).toEqual(expected.get(entry.name)?.bytes);
  });

  it('opens the merged view from metadata alone: no tensor bytes are read until a tensor is', async () => {
    const strategy = await caseStrategy('case2_opt_shard', 'strategy.ckpt');
    const files = await caseRanks('case2_opt_shard', 'ckpt');
    const counted = files.map((file) => ({
      ...file,
      opened: { ...file.opened, plaintext: new CountingSource(file.opened.plaintext) },
    }));
    const view = openMergedView(strategy, counted);
    expect(view.index.tensors.length).toBe(5);
    const total = (): number =>
      counted.reduce((sum, file) => sum + (file.opened.plaintext as CountingSource).bytesRead, 0);
    expect(total()).toBe(0);
    await readTensor(view, 'w2');
    // w2 [8,4] F32 = 128 bytes, read from four distinct holders (ranks 0–3), 32 bytes each.
    expect(total()).toBe(128);
  });
});
