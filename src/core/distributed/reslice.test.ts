import { describe, expect, it } from 'vitest';
import { caseRanks, caseStrategy } from '../../test/distributed';
import { readEntryBytes } from './boxes';
import { openMergedView, readTensor } from './merge';
import { openReslicedView, strategyParamsMissing, strategyRanks } from './reslice';

const cases: [string, string, 'ckpt' | 'safetensors'][] = [
  ['case1_tp_dp', 'strategy.ckpt', 'ckpt'],
  ['case1_tp_dp', 'strategy.json', 'safetensors'],
  ['case2_opt_shard', 'strategy.ckpt', 'ckpt'],
  ['case3_pipeline', 'merged_strategy.ckpt', 'ckpt'],
];

describe('re-slicing a merged set for its own strategy reproduces every rank', () => {
  for (const [caseName, strategyFile, format] of cases) {
    it(`${caseName} (${strategyFile}, .${format})`, async () => {
      const strategy = await caseStrategy(caseName, strategyFile);
      const files = await caseRanks(caseName, format);
      const merged = openMergedView(strategy, files);
      expect(strategyRanks(strategy)).toEqual(files.map((file) => file.rank));
      for (const file of files) {
        const resliced = openReslicedView(merged, strategy, file.rank);
        // Exactly the rank file's tensors: other stages' parameters are left out.
        expect(resliced.index.tensors.map((t) => t.name).sort(), `rank ${file.rank}`).toEqual(
          file.opened.index.tensors.map((t) => t.name).sort(),
        );
        for (const entry of file.opened.index.tensors) {
          const want = await readEntryBytes(file.opened.plaintext, entry, 0, entry.bytes);
          const got = resliced.index.tensors.find((t) => t.name === entry.name);
          expect(got?.shape, `${entry.name} rank ${file.rank}`).toEqual(entry.shape);
          expect(got?.dtype).toBe(entry.dtype);
          expect(await readTensor(resliced, entry.name), `${entry.name} rank ${file.rank}`).toEqual(want);
        }
      }
    });
  }

  it('a tensor that cannot be cut evenly is refused like _chunk_tensor', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const merged = openMergedView(strategy, await caseRanks('case1_tp_dp', 'ckpt'));
    const odd = {
      ...merged,
      index: {
        ...merged.index,
        tensors: merged.index.tensors.map((t) => (t.name === 'layer.bias' ? { ...t, shape: [15] } : t)),
      },
    };
    expect(() => openReslicedView(odd, strategy, 0)).toThrow(
      expect.objectContaining({
        code: 'distributed-tensor-unsliceable',
        details: { tensor: 'layer.bias', hint: 'dimension 0 (15) cannot be split into 4 equal pieces' },
      }),
    );
  });

  it('a tensor whose shape contradicts the tensor_shape of a JSON strategy is refused, not cut into wrong slices', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.json');
    const merged = openMergedView(strategy, await caseRanks('case1_tp_dp', 'ckpt'));
    // [4,16] still splits evenly in two, so only the strategy's full shape tells it is not layer.weight.
    const half = {
      ...merged,
      index: {
        ...merged.index,
        tensors: merged.index.tensors.map((t) => (t.name === 'layer.weight' ? { ...t, shape: [4, 16] } : t)),
      },
    };
    expect(() => openReslicedView(half, strategy, 0)).toThrow(
      expect.objectContaining({
        code: 'distributed-tensor-unsliceable',
        details: {
          tensor: 'layer.weight',
          hint: 'the strategy gives its full shape as [8, 16], the input holds [4, 16]',
        },
      }),
    );
  });

  it('a layout that cannot be used is refused in words, not by its problem code', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.json');
    const merged = openMergedView(strategy, await caseRanks('case1_tp_dp', 'ckpt'));
    const twice = {
      ...strategy,
      layouts: strategy.layouts.map((l) => (l.name === 'layer.weight' ? { ...l, tensorMap: [1, 1] } : l)),
    };
    expect(() => openReslicedView(merged, twice, 0)).toThrow(
      expect.objectContaining({
        details: {
          tensor: 'layer.weight',
          hint: 'the tensor map cannot be used: [1,1] uses device axis 1 more than once; each axis can split only one dimension, once',
        },
      }),
    );
  });

  it('strategyParamsMissing lists the target parameters a full checkpoint lacks', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.json');
    const merged = openMergedView(strategy, await caseRanks('case1_tp_dp', 'ckpt'));
    expect(strategyParamsMissing(merged, strategy)).toEqual([]);
    const layouts = strategy.layouts.flatMap((l) => (l.name === 'layer.bias' ? [l, { ...l, name: 'extra.w' }] : [l]));
    const withExtra = { ...strategy, layouts };
    expect(strategyParamsMissing(merged, withExtra)).toEqual(['extra.w']);
  });
});
