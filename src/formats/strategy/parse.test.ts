import { describe, expect, it } from 'vitest';
import { mindspore } from '../../generated/node_strategy.js';
import { fixtureBytes } from '../../test/fixtures';
import { combineStageStrategies, parseStrategy } from './parse';
import { looksLikeProtobufStrategy } from './sniff';

const dist = (...parts: string[]) => fixtureBytes('distributed', ...parts);

describe('protobuf ParallelStrategyMap', () => {
  it('case2: every layout with dev_matrix, tensor_map and opt step/size as the fixture README lists', () => {
    const strategy = parseStrategy(dist('case2_opt_shard', 'strategy.ckpt'), { fileName: 'strategy.ckpt' });
    expect(strategy.encoding).toBe('protobuf');
    expect(strategy.currentStage).toBe(1);
    expect(strategy.fileStage).toBe(0);
    expect(strategy.pipelineMerged).toBe(false);
    const rows = strategy.layouts.map((l) => [
      l.name,
      l.devMatrix,
      l.tensorMap,
      l.optStep,
      l.optSize,
      l.stages,
      l.field,
    ]);
    expect(rows).toEqual([
      ['w1', [2, 4], [-1, 0], 4, 2, [0], 0],
      ['adam_m.w1', [2, 4], [-1, 0], 4, 2, [0], 0],
      ['w2', [4, 2], [-1, 0], 2, 2, [0], 0],
      ['emb', [2, 4], [-1, -1], 1, -1, [0], 0],
      ['b', [2, 4], [0], 0, 0, [0], 0],
    ]);
    expect(strategy.layouts.every((l) => l.paramSplitShape.length === 0 && l.fullShape === undefined)).toBe(true);
  });

  it('case3 merged pipeline strategy: "<stage>-" prefixes become stages; shared.weight is in both', () => {
    const strategy = parseStrategy(dist('case3_pipeline', 'merged_strategy.ckpt'));
    expect(strategy.pipelineMerged).toBe(true);
    expect(strategy.stages).toEqual([0, 1]);
    expect(strategy.layouts.map((l) => [l.name, l.stages])).toEqual([
      ['embed.weight', [0]],
      ['shared.weight', [0, 1]],
      ['head.weight', [1]],
    ]);
    expect(strategy.problems).toEqual([]);
  });

  it('case3 per-stage files combine like merge_pipeline_strategys', () => {
    const stage0 = parseStrategy(dist('case3_pipeline', 'strategy_stage0.ckpt'));
    const stage1 = parseStrategy(dist('case3_pipeline', 'strategy_stage1.ckpt'));
    expect([stage0.fileStage, stage1.fileStage]).toEqual([0, 1]);
    expect(stage1.layouts.every((l) => l.stages[0] === 1)).toBe(true);
    const combined = combineStageStrategies([stage1, stage0]);
    const merged = parseStrategy(dist('case3_pipeline', 'merged_strategy.ckpt'));
    const key = (s: typeof merged) =>
      s.layouts
        .map((l) => [l.name, l.stages, l.devMatrix, l.tensorMap])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(key(combined)).toEqual(key(merged));
    // A second file of an already-seen stage is skipped, as MindSpore does.
    expect(combineStageStrategies([stage0, stage0, stage1]).problems.map((p) => p.code)).toEqual(['duplicate-stage']);
  });

  it('a pipeline strategy without all stages is flagged (MindSpore refuses it), not refused', () => {
    const stage1 = parseStrategy(dist('case3_pipeline', 'strategy_stage1.ckpt'));
    expect(stage1.stages).toEqual([1]);
    expect(stage1.problems).toEqual([{ code: 'stages-incomplete', detail: '1' }]);
  });

  it('real mindformers merged pipeline strategy (4 NPUs, 2 stages): 148 prefixed layout keys', () => {
    const strategy = parseStrategy(fixtureBytes('real', 'mindformers__strategy_4_npus.ckpt'));
    expect(strategy.pipelineMerged).toBe(true);
    expect(strategy.operatorCount).toBe(34);
    expect(strategy.stages).toEqual([0, 1]);
    // 72 '0-' + 76 '1-' keys; names in both stages collapse to one layout with two stages.
    const stageCount = strategy.layouts.reduce((sum, l) => sum + l.stages.length, 0);
    expect(stageCount).toBe(148);
    const dense = strategy.layouts.find((l) => l.name === 'adam_v.backbone.blocks.0.attention.dense1.bias');
    expect(dense?.stages).toContain(0);
    expect(dense?.devMatrix).toEqual([2]);
    expect(dense?.tensorMap).toEqual([0]);
    expect(strategy.layouts.every((l) => !/^\d+-/.test(l.name))).toBe(true);
    expect(strategy.layouts.every((l) => l.devMatrix.length === 1 && l.devMatrix[0] === 2)).toBe(true);
    expect(strategy.layouts.some((l) => l.name.startsWith('accu_grads.'))).toBe(true);
  });

  it('real golden-stick strategy: 363 unprefixed layouts on dev_matrix [2], lm_head not split', () => {
    const strategy = parseStrategy(fixtureBytes('real', 'golden-stick__ckpt_strategy_rank_0.ckpt'));
    expect(strategy.layouts.length).toBe(363);
    expect(strategy.operatorCount).toBe(363);
    expect(strategy.pipelineMerged).toBe(false);
    expect(strategy.currentStage).toBe(1);
    expect(strategy.stages).toEqual([0]);
    expect(strategy.layouts.find((l) => l.name === 'lm_head.weight')?.tensorMap).toEqual([-1, -1]);
    expect(strategy.layouts.find((l) => l.name === 'model.layers.0.attention.wq.weight')?.tensorMap).toEqual([0, -1]);
    expect(strategy.layouts.every((l) => l.optStep === 0 && l.optSize === 0 && l.field === 0)).toBe(true);
  });
});

describe('JSON strategy', () => {
  it('case1 strategy.json describes the same layouts as strategy.ckpt, plus the full shapes', () => {
    const json = parseStrategy(dist('case1_tp_dp', 'strategy.json'), { fileName: 'strategy.json' });
    const proto = parseStrategy(dist('case1_tp_dp', 'strategy.ckpt'));
    expect(json.encoding).toBe('json');
    const strip = (s: typeof json) => s.layouts.map(({ fullShape: _fullShape, ...rest }) => rest);
    expect(strip(json)).toEqual(strip(proto));
    expect(json.layouts.map((l) => [l.name, l.fullShape])).toEqual([
      ['layer.weight', [8, 16]],
      ['layer.bias', [16]],
      ['norm.gamma', [4]],
    ]);
  });

  it('is recognised by content whatever the file is called', () => {
    expect(parseStrategy(dist('case1_tp_dp', 'strategy.json'), { fileName: 'renamed.ckpt' }).encoding).toBe('json');
    expect(parseStrategy(dist('case1_tp_dp', 'strategy.ckpt'), { fileName: 'renamed.json' }).encoding).toBe('protobuf');
  });

  it('nested tensor maps and a missing required field', () => {
    const text = (layout: object) =>
      new TextEncoder().encode(JSON.stringify({ current_stage: 1, parallel_layout_item: { p: layout } }));
    const nested = parseStrategy(
      text({
        dev_matrix: [2, 4],
        tensor_map: [[1, 0], -1],
        field: 0,
        opt_weight_shard_step: 0,
        opt_weight_shard_size: 0,
      }),
    );
    expect(nested.layouts[0]?.tensorMap).toEqual([[1, 0], -1]);
    expect(() => parseStrategy(text({ dev_matrix: [2], tensor_map: [0], field: 0 }))).toThrow(
      expect.objectContaining({ code: 'strategy-bad-layout' }),
    );
  });
});

describe('strategy file errors (distributed.md §4)', () => {
  it('empty file, garbage, a checkpoint, no layout items', () => {
    // An empty strategy gets its own sentence (not load_checkpoint's "loaded parameter dict is empty").
    expect(() => parseStrategy(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'strategy-empty', details: { file: 'strategy', actual: 0 } }),
    );
    expect(() => parseStrategy(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(
      expect.objectContaining({ code: 'strategy-unreadable' }),
    );
    const checkpoint = dist('case1_tp_dp', 'rank_0', 'checkpoint_0.ckpt');
    expect(() => parseStrategy(checkpoint, { fileName: 'checkpoint_0.ckpt' })).toThrow(
      expect.objectContaining({
        code: 'strategy-unreadable',
        details: expect.objectContaining({ file: 'checkpoint_0.ckpt' }),
      }),
    );
    // current_stage = 1 and nothing else: "has no sliced parameter".
    expect(() => parseStrategy(new Uint8Array([0x08, 0x01]))).toThrow(
      expect.objectContaining({ code: 'strategy-empty' }),
    );
    expect(() => parseStrategy(new TextEncoder().encode('{"current_stage": 1}'))).toThrow(
      expect.objectContaining({ code: 'strategy-unreadable' }),
    );
  });

  it('sniffing tells strategy files from checkpoints by their first bytes', () => {
    const head = (bytes: Uint8Array) => bytes.subarray(0, 64);
    for (const file of ['case1_tp_dp/strategy.ckpt', 'case3_pipeline/merged_strategy.ckpt']) {
      const bytes = dist(...file.split('/'));
      expect(looksLikeProtobufStrategy(head(bytes), bytes.length), file).toBe(true);
    }
    const real = fixtureBytes('real', 'mindformers__strategy_4_npus.ckpt');
    expect(looksLikeProtobufStrategy(head(real), real.length)).toBe(true);
    const checkpoint = dist('case1_tp_dp', 'rank_0', 'checkpoint_0.ckpt');
    expect(looksLikeProtobufStrategy(head(checkpoint), checkpoint.length)).toBe(false);
  });
});

describe('opening a strategy file as a checkpoint', () => {
  it('is refused with strategy-not-checkpoint, protobuf and JSON alike', async () => {
    const { indexPlainFile } = await import('../open');
    const { MemorySource } = await import('../../io/byte-source');
    for (const file of [
      'case1_tp_dp/strategy.ckpt',
      'case1_tp_dp/strategy.json',
      'case3_pipeline/merged_strategy.ckpt',
    ]) {
      await expect(indexPlainFile(new MemorySource(dist(...file.split('/')))), file).rejects.toMatchObject({
        code: 'strategy-not-checkpoint',
      });
    }
    for (const file of ['golden-stick__ckpt_strategy_rank_0.ckpt', 'mindformers__strategy_4_npus.ckpt']) {
      await expect(indexPlainFile(new MemorySource(fixtureBytes('real', file))), file).rejects.toMatchObject({
        code: 'strategy-not-checkpoint',
      });
    }
  });
});

/** The reason a strategy file was refused (its hint), or the error's message when it was not a LensError. */
function refusal(bytes: Uint8Array): string {
  try {
    parseStrategy(bytes);
  } catch (error) {
    const details = (error as { details?: { hint?: string } }).details;
    return `${(error as { code?: string }).code}: ${details?.hint ?? ''}`;
  }
  return 'parsed';
}

describe('what a refused strategy file is, in words', () => {
  const valid = dist('case1_tp_dp', 'strategy.ckpt');

  it('a valid protobuf strategy with bytes after it: trailing bytes after complete fields, not "cut short"', () => {
    const trailing = new Uint8Array([...valid, 0xff, 0xff, 0xff]);
    expect(refusal(trailing)).toBe(
      `strategy-unreadable: Its 6 fields up to byte ${valid.length} form a complete ParallelStrategyMap, but the 3 bytes after them (ff ff ff) are not a field of one: bytes were appended to the file or overwritten there; it is not cut short.`,
    );
  });

  it('random bytes: not protobuf strategy data, not "cut short"', () => {
    // A fixed pseudo-random sequence whose first byte is not a ParallelStrategyMap field tag.
    let seed = 7;
    const random = Uint8Array.from({ length: 500 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23);
    random[0] = 0x22;
    expect(refusal(random)).toMatch(
      /^strategy-unreadable: Its first bytes \(22 [0-9a-f ]+ …\) are not the fields a ParallelStrategyMap starts with: it is not protobuf strategy data\.$/,
    );
  });

  it('a strategy cut short is still called cut short, with where and how much', () => {
    expect(refusal(valid.subarray(0, valid.length - 1))).toMatch(
      /^strategy-unreadable: Its protobuf data ends in the middle of the field at byte \d+ \(it needs (\d+) bytes, \d+ bytes remain\): the file is cut short\.$/,
    );
  });

  it('a damaged layout item inside complete framing is damaged, not cut short', () => {
    // One layout item whose body is a field with wire type 7 (never valid).
    const damaged = new Uint8Array([0x08, 0x01, 0x1a, 0x02, 0x0f, 0x00]);
    expect(refusal(damaged)).toBe(
      'strategy-unreadable: The layout item at byte 2 does not decode: the bytes are damaged there.',
    );
  });

  it('JSON that is not a strategy object is described as JSON: too deep, or the wrong top level', () => {
    const text = (value: string) => new TextEncoder().encode(value);
    expect(refusal(text('['.repeat(100000) + ']'.repeat(100000)))).toBe(
      "strategy-unreadable: It is JSON nested more than 32 levels deep; a strategy's JSON nests at most 5, so this is not one.",
    );
    expect(refusal(text('{"a":'.repeat(50) + '1' + '}'.repeat(50)))).toMatch(/nested more than 32 levels deep/);
    // Brackets inside strings do not count.
    expect(refusal(text(`{"x": "${'['.repeat(100)}"}`))).toBe(
      'strategy-unreadable: It is JSON, but it has no "parallel_layout_item" object.',
    );
    expect(refusal(text('[1, 2, 3]'))).toBe(
      'strategy-unreadable: It is JSON, but its top level is an array, not the object with "parallel_layout_item" a strategy is.',
    );
  });

  it('a dev_matrix entry that is not an integer is refused while reading (sizes are checked per layout)', () => {
    const text = new TextEncoder().encode(
      JSON.stringify({
        current_stage: 1,
        parallel_layout_item: {
          w: {
            dev_matrix: [2.5, 4],
            tensor_map: [1, -1],
            field: 0,
            opt_weight_shard_step: 0,
            opt_weight_shard_size: 0,
          },
        },
      }),
    );
    expect(refusal(text)).toBe('strategy-bad-layout: its dev_matrix holds 2.5, which is not an integer');
  });

  describe('typed fields: a wrong JSON type or a value out of range is refused, naming the field and what it holds', () => {
    const layout = {
      dev_matrix: [2, 4],
      tensor_map: [1, -1],
      field: 0,
      opt_weight_shard_step: 0,
      opt_weight_shard_size: 0,
    };
    const json = (root: Record<string, unknown>) =>
      new TextEncoder().encode(JSON.stringify({ current_stage: 1, parallel_layout_item: { w: layout }, ...root }));
    const withLayout = (fields: Record<string, unknown>) =>
      json({ parallel_layout_item: { w: { ...layout, ...fields } } });

    it('current_stage: a uint32 in MindSpore, so a string, a fraction, a negative or 2^32 is refused', () => {
      const cases: [unknown, string][] = [
        ['x', '"x" (a string)'],
        [1.5, '1.5'],
        [-1, '-1'],
        [2 ** 32, '4294967296'],
        [null, 'null'],
        [[0], 'an array'],
        [true, 'true (a boolean)'],
      ];
      for (const [value, found] of cases) {
        expect(refusal(json({ current_stage: value }))).toBe(
          `strategy-bad-layout: its current_stage is ${found}, not a whole number from 0 to 4,294,967,295`,
        );
      }
      // Absent is read as 0, as before; 2^32−1 is a uint32.
      expect(parseStrategy(json({ current_stage: undefined })).currentStage).toBe(0);
      expect(parseStrategy(json({ current_stage: 2 ** 32 - 1 })).currentStage).toBe(2 ** 32 - 1);
    });

    it("an operator item's stage, and the item itself", () => {
      expect(refusal(json({ parallel_strategy_item: { op: { stage: '0', parallel_strategy: [[1]] } } }))).toBe(
        'strategy-bad-layout: its stage of operator "op" is "0" (a string), not a whole number from 0 to 4,294,967,295',
      );
      expect(refusal(json({ parallel_strategy_item: { op: 3 } }))).toBe(
        'strategy-bad-layout: its operator item "op" is 3, not an object',
      );
      expect(refusal(json({ parallel_strategy_item: [] }))).toBe(
        'strategy-bad-layout: its parallel_strategy_item is an array, not an object of operator items',
      );
      expect(parseStrategy(json({ parallel_strategy_item: { op: { stage: 2 } } })).fileStage).toBe(2);
    });

    it('field, opt_weight_shard_step and opt_weight_shard_size: int32, and only the values that mean something', () => {
      expect(refusal(withLayout({ field: '0' }))).toBe(
        'strategy-bad-layout: its field is "0" (a string), not a whole number from 0 to 2,147,483,647',
      );
      expect(refusal(withLayout({ opt_weight_shard_size: 2 ** 40 }))).toBe(
        'strategy-bad-layout: its opt_weight_shard_size is 1099511627776, not a whole number from -1 to 2,147,483,647',
      );
      expect(refusal(withLayout({ opt_weight_shard_step: -4 }))).toBe(
        'strategy-bad-layout: its opt_weight_shard_step is -4, not a whole number from 0 to 2,147,483,647',
      );
      expect(refusal(withLayout({ opt_weight_shard_step: undefined }))).toBe(
        'strategy-bad-layout: its opt_weight_shard_step is missing, not a whole number from 0 to 2,147,483,647',
      );
      expect(
        parseStrategy(withLayout({ opt_weight_shard_size: -1, opt_weight_shard_step: 1 })).layouts[0]?.optSize,
      ).toBe(-1);
    });

    it('list fields say what they hold instead', () => {
      expect(refusal(withLayout({ dev_matrix: '2,4' }))).toBe(
        'strategy-bad-layout: its dev_matrix is "2,4" (a string), not a list of integers',
      );
      expect(refusal(withLayout({ dev_matrix: [2, '4'] }))).toBe(
        'strategy-bad-layout: its dev_matrix holds "4" (a string), which is not an integer',
      );
      expect(refusal(withLayout({ tensor_map: [1, 'x'] }))).toBe(
        'strategy-bad-layout: its tensor_map holds "x" (a string), which is neither a device axis nor a list of them',
      );
    });

    it('protobuf: int32 fields decode as numbers, so only the range is checked', () => {
      const straspb = mindspore.straspb;
      const bytes = (layouts: Record<string, number>) =>
        straspb.ParallelStrategyMap.encode({
          currentStage: 1,
          parallelLayoutItem: [
            {
              paramName: 'w',
              parallelLayouts: {
                devMatrix: [{ dim: [2, 4] }],
                tensorMap: [{ dim: [1, -1] }],
                paramSplitShape: [{ dim: [] }],
                indicesOffset: [{ dim: [] }],
                field: 0,
                ...layouts,
              },
            },
          ],
        }).finish();
      expect(refusal(bytes({ optWeightShardSize: -2, optWeightShardStep: 1 }))).toBe(
        'strategy-bad-layout: its opt_weight_shard_size is -2, not a whole number from -1 to 2,147,483,647',
      );
      expect(refusal(bytes({ field: -1 }))).toBe(
        'strategy-bad-layout: its field is -1, not a whole number from 0 to 2,147,483,647',
      );
      expect(parseStrategy(bytes({ optWeightShardSize: -1, optWeightShardStep: 1 })).layouts[0]?.optSize).toBe(-1);
    });
  });
});
