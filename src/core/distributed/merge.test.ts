import { describe, expect, it } from 'vitest';
import { CountingSource, MemorySource } from '../../io/byte-source';
import { buildExport, contentReadOrder, exportBlob, exportChunks, planExport, type ExportFormat } from '../export';
import { scanSafetensors } from '../../formats/safetensors/scan';
import { fixtureBytes } from '../../test/fixtures';
import { caseRanks, caseStrategy, expectedTensors } from '../../test/distributed';
import { openMergedView, readTensor, streamingView, type MergedView } from './merge';
import { openRankFiles } from './set';
import { concatBytes } from '../../base/bytes';

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

describe('merge of damaged shards', () => {
  it('regression (fuzz merge, seed 1, iteration 7643): a damaged extra keeps its size problem, so an export refuses it with a sentence', async () => {
    // With only stage 1's strategy, case3 rank 0's embed.weight is an extra (copied as it is);
    // its tensor_content length is cut from 64 to 1 byte.
    const bytes = fixtureBytes('distributed', 'case3_pipeline', 'rank_0', 'checkpoint_0.ckpt').slice();
    expect(bytes[32]).toBe(0x40);
    bytes[32] = 1;
    const others = (await caseRanks('case3_pipeline', 'ckpt')).filter((file) => file.rank !== 0);
    const damaged = await openRankFiles([{ name: 'rank_0/checkpoint_0.ckpt', source: new MemorySource(bytes) }]);
    const strategy = await caseStrategy('case3_pipeline', 'strategy_stage1.ckpt');
    const view = openMergedView(strategy, [...damaged, ...others]);
    const extra = view.index.tensors.find((entry) => entry.name === 'embed.weight');
    expect(extra?.bytes).toBe(1);
    expect(extra?.problems?.map((problem) => problem.code)).toContain('size-mismatch');
    // Before the fix the cast export crashed in the ckpt writer (half an element); it is now
    // refused before planning any tensor, as every export of a damaged entry is.
    expect(() => planExport(view.index, { format: 'ckpt', casts: [{ from: 'Float32', to: 'Float16' }] })).toThrow(
      expect.objectContaining({
        code: 'export-damaged-source',
        details: expect.objectContaining({ tensor: 'embed.weight' }) as unknown,
      }),
    );
  });
});

describe('merged file against expected_merged.safetensors', () => {
  async function mergedFile(caseName: string, strategyFile: string): Promise<Uint8Array> {
    const view = openMergedView(await caseStrategy(caseName, strategyFile), await caseRanks(caseName, 'ckpt'));
    const job = await buildExport(view, planExport(view.index, { format: 'safetensors', metadataFormat: 'ms' }));
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportChunks(job)) chunks.push(chunk.slice());
    return concatBytes(chunks);
  }

  it('case2 and case3: byte-identical files', async () => {
    for (const [caseName, strategy] of [
      ['case2_opt_shard', 'strategy.ckpt'],
      ['case3_pipeline', 'merged_strategy.ckpt'],
    ] as const) {
      const expected = fixtureBytes('distributed', caseName, 'expected_merged.safetensors');
      expect(Buffer.from(await mergedFile(caseName, strategy)).equals(Buffer.from(expected)), caseName).toBe(true);
    }
  });

  it('case1: same tensors, in the order MindSpore (safetensors save_file) writes — dtype, then name', async () => {
    // The fixture's reference writer used plain name order; ckpt-format.md §10.2 is save_file's order.
    const ours = await scanSafetensors(new MemorySource(await mergedFile('case1_tp_dp', 'strategy.ckpt')));
    const expected = await expectedTensors('case1_tp_dp');
    expect(ours.tensors.map((t) => t.name)).toEqual(['layer.bias', 'layer.weight', 'global_step', 'norm.gamma']);
    expect(ours.tensors.map((t) => t.name).sort()).toEqual([...expected.keys()].sort());
  });
});

describe('streaming view (rank files read ahead in windows)', () => {
  async function exportBytes(view: MergedView, format: ExportFormat, windowBytes?: number): Promise<Uint8Array> {
    const plan = planExport(view.index, { format, metadataFormat: format === 'safetensors' ? 'ms' : null, crc: true });
    const source = windowBytes === 0 ? view : streamingView(view, contentReadOrder(plan), { windowBytes });
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportChunks(await buildExport(source, plan))) chunks.push(chunk.slice());
    return concatBytes(chunks);
  }

  it('lends its output buffers only until the next chunk: a Blob export (which keeps chunks) is still exact', async () => {
    for (const { name, strategies } of cases) {
      const view = openMergedView(await caseStrategy(name, ...(strategies[0] ?? [])), await caseRanks(name, 'ckpt'));
      const plan = planExport(view.index, { format: 'safetensors', metadataFormat: 'ms' });
      const plain = new Uint8Array(await (await exportBlob(await buildExport(view, plan))).arrayBuffer());
      for (const windowBytes of [16, 1000, undefined]) {
        const streamed = streamingView(view, contentReadOrder(plan), { windowBytes });
        // Small output windows: many chunks, so buffers are handed out again and again.
        const blob = await exportBlob(await buildExport(streamed, plan, { windowBytes: 24 }));
        expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(plain)), `${name}, ${windowBytes}`).toBe(true);
      }
    }
  });

  for (const { name, strategies, formats } of cases) {
    it(`${name}: the same exported bytes as the plain view, whatever the window size`, async () => {
      const strategy = await caseStrategy(name, ...(strategies[0] ?? []));
      for (const rankFormat of formats) {
        const view = openMergedView(strategy, await caseRanks(name, rankFormat));
        for (const format of ['safetensors', 'ckpt'] as const) {
          const plain = await exportBytes(view, format, 0);
          // Windows smaller than a slice, about a slice, and holding everything (the default).
          for (const windowBytes of [7, 16, 100, 1000, undefined]) {
            const streamed = await exportBytes(view, format, windowBytes);
            expect(Buffer.from(streamed).equals(Buffer.from(plain)), `${rankFormat} → ${format}, ${windowBytes}`).toBe(
              true,
            );
          }
        }
      }
    });
  }

  it('reads each rank file in fewer, larger reads, and no more bytes than the plain view plus the gaps', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const counted = (await caseRanks('case1_tp_dp', 'ckpt')).map((file) => ({
      ...file,
      opened: { ...file.opened, plaintext: new CountingSource(file.opened.plaintext) },
    }));
    // Every tensor through the copy engine (stacked ones would be copied from the files directly).
    const view = { ...openMergedView(strategy, counted), contentRanges: undefined };
    const totals = (): { reads: number; bytes: number } => {
      const sources = counted.map((file) => file.opened.plaintext as CountingSource);
      const result = {
        reads: sources.reduce((sum, source) => sum + source.reads, 0),
        bytes: sources.reduce((sum, source) => sum + source.bytesRead, 0),
      };
      for (const source of sources) {
        source.reads = 0;
        source.bytesRead = 0;
      }
      return result;
    };
    const plain = await exportBytes(view, 'safetensors', 0);
    const direct = totals();
    const streamed = await exportBytes(view, 'safetensors', undefined);
    const ahead = totals();
    expect(Buffer.from(streamed).equals(Buffer.from(plain))).toBe(true);
    // CRC pass and write pass: one window per rank file each (the slices lie close together).
    expect(ahead.reads).toBeLessThanOrEqual(2 * counted.length);
    expect(ahead.reads).toBeLessThan(direct.reads);
    const headerBytes = 2 * 1024 * counted.length; // record headers between slices, both passes
    expect(ahead.bytes).toBeLessThanOrEqual(direct.bytes + headerBytes);
  });
});

describe('stacked tensors (row splits, unsplit, extras) come straight from the rank files', () => {
  it('contentRanges gives the rank ranges that, end to end, are the merged tensor; column blocks get none', async () => {
    for (const [caseName, strategyFile] of [
      ['case1_tp_dp', 'strategy.ckpt'],
      ['case2_opt_shard', 'strategy.ckpt'],
      ['case3_pipeline', 'merged_strategy.ckpt'],
    ] as const) {
      const view = openMergedView(await caseStrategy(caseName, strategyFile), await caseRanks(caseName, 'ckpt'));
      const expected = await expectedTensors(caseName);
      const stacked: string[] = [];
      for (const entry of view.index.tensors) {
        const ranges = view.contentRanges?.(entry);
        if (!ranges) continue;
        stacked.push(entry.name);
        const bytes = concatBytes(
          await Promise.all(ranges.map((range) => range.source.read(range.offset, range.length))),
        );
        expect(Buffer.from(bytes).equals(Buffer.from(expected.get(entry.name)?.bytes ?? [])), entry.name).toBe(true);
      }
      if (caseName === 'case2_opt_shard') {
        // w1 and w2 are column blocks (and adam_m.w1 follows w1): assembled, not stacked.
        expect(stacked.sort()).toEqual(['b', 'emb']);
      }
    }
  });
});
