import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import type { ParameterLayout } from '../../formats/strategy';
import { parseStrategy } from '../../formats/strategy/parse';
import { fixtureBytes, fixturePath } from '../../test/fixtures';
import { describeLayoutProblem } from '../messages';
import { analyzeSet, blockIndex, boxOf, fullShapeOf, layoutErrors, sliceGeometry, splitCounts } from './layout';
import { caseRanks, caseStrategy } from '../../test/distributed';
import { rankInputs } from './merge';
import { setLayoutJson } from './report';
import type { RankInput } from './types';

interface ManifestParam {
  full_shape: number[];
  dtype: string;
  dev_matrix: number[];
  tensor_map: number[];
  opt_weight_shard_step: number;
  opt_weight_shard_size: number;
  stages: number[];
  boxes: Record<string, [number, number][]>;
}
interface Manifest {
  ranks: Record<string, { stage: number; local_rank: number; slices: Record<string, number[]> }>;
  params: Record<string, ManifestParam>;
}

function manifest(caseName: string): Manifest {
  return JSON.parse(readFileSync(fixturePath('distributed', caseName, 'manifest.json'), 'utf8')) as Manifest;
}

const layoutCases: [string, string[]][] = [
  ['case1_tp_dp', ['strategy.ckpt']],
  ['case1_tp_dp', ['strategy.json']],
  ['case2_opt_shard', ['strategy.ckpt']],
  ['case3_pipeline', ['merged_strategy.ckpt']],
  ['case3_pipeline', ['strategy_stage0.ckpt', 'strategy_stage1.ckpt']],
];

describe('layout of the distributed fixtures matches manifest.json', () => {
  for (const [caseName, strategyFiles] of layoutCases) {
    it(`${caseName} (${strategyFiles.join(' + ')})`, async () => {
      const want = manifest(caseName);
      const layout = analyzeSet(
        await caseStrategy(caseName, ...strategyFiles),
        rankInputs(await caseRanks(caseName, 'ckpt')),
      );
      const json = setLayoutJson(layout);
      for (const [name, param] of Object.entries(want.params)) {
        const got = json.parameters.find((p) => p.name === name);
        expect(got, name).toBeDefined();
        expect(got?.kind).toBe('sharded');
        expect(got?.dtype, name).toBe(param.dtype);
        expect(got?.fullShape, name).toEqual(param.full_shape);
        expect(got?.ranks, name).toEqual(param.boxes);
        expect(got?.stages, name).toEqual(param.stages);
        expect(got?.devMatrix, name).toEqual(param.dev_matrix);
        expect(got?.tensorMap, name).toEqual(param.tensor_map);
        const opt = param.opt_weight_shard_step !== 0 && param.opt_weight_shard_size !== 0;
        expect(got?.optShard?.step ?? 0, name).toBe(opt ? param.opt_weight_shard_step : 0);
        expect(got?.optShard?.size ?? 0, name).toBe(opt ? param.opt_weight_shard_size : 0);
        expect(got?.mergeable, name).toBe(true);
        expect(
          got?.problems.filter((p) => p.severity !== 'info'),
          name,
        ).toEqual([]);
        // Every rank's slice shape and stage as the manifest lists them.
        const plan = layout.parameters.find((p) => p.name === name);
        for (const [rank, info] of Object.entries(want.ranks)) {
          const holding = plan?.holdings.find((h) => h.rank === Number(rank));
          if (!(name in info.slices)) {
            expect(holding, `${name} rank ${rank}`).toBeUndefined();
            continue;
          }
          expect(holding?.stage).toBe(info.stage);
          expect(holding?.localRank).toBe(info.local_rank);
          expect(
            holding?.box.map(([a, b]) => b - a),
            `${name} rank ${rank}`,
          ).toEqual(info.slices[name]);
        }
      }
      // Sources: one lowest present holder per distinct box.
      for (const parameter of json.parameters.filter((p) => p.kind === 'sharded')) {
        expect(parameter.sources).toEqual(
          parameter.replicaGroups.map((group) => Math.min(...group)).sort((a, b) => a - b),
        );
      }
      expect(json.problems.filter((p) => p.severity !== 'info')).toEqual([]);
      expect(json.ranks).toEqual(Object.keys(want.ranks).map(Number));
      expect(json.expectedRanks).toEqual(Object.keys(want.ranks).map(Number));
    });
  }

  it('case1: global_step is not in the strategy and is kept from rank 0', async () => {
    const layout = analyzeSet(
      await caseStrategy('case1_tp_dp', 'strategy.ckpt'),
      rankInputs(await caseRanks('case1_tp_dp', 'ckpt')),
    );
    const extra = layout.parameters.find((p) => p.name === 'global_step');
    expect(extra?.kind).toBe('extra');
    expect(extra?.holdings.map((h) => h.rank)).toEqual([0]);
    expect(extra?.problems.map((p) => p.code)).toEqual(['not-in-strategy']);
    expect(layout.problems.map((p) => p.code)).toEqual(['files-params-not-in-strategy']);
  });
});

function layoutOf(
  devMatrix: number[],
  tensorMap: ParameterLayout['tensorMap'],
  optStep = 0,
  optSize = 0,
): ParameterLayout {
  return {
    name: 'p',
    stages: [0],
    devMatrix,
    tensorMap,
    paramSplitShape: [],
    indicesOffset: [],
    field: 0,
    optStep,
    optSize,
  };
}

describe('slicing rules (distributed.md §2.8 worked example)', () => {
  it('dev [2,4], map [1,-1], shape [8,16]: rows split by 2, replicated ×4', () => {
    expect(splitCounts([2, 4], [1, -1])).toEqual([2, 1]);
    for (let r = 0; r < 8; r += 1) expect(blockIndex([2, 4], [1, -1], r)).toEqual([Math.floor(r / 4), 0]);
    const geometry = sliceGeometry(layoutOf([2, 4], [1, -1]));
    expect(geometry.blockGroups).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('the same with opt size 2 (step 1): slices [2,16], rank 1 rows 2–3, rank 6 rows 4–5', () => {
    const geometry = sliceGeometry(layoutOf([2, 4], [1, -1], 1, 2));
    expect(geometry.problems).toEqual([]);
    const full = fullShapeOf([2, 16], geometry.modelSplit, geometry.optShards);
    expect(full).toEqual([8, 16]);
    const rows = (r: number) =>
      boxOf(full, geometry.modelSplit, geometry.optShards, geometry.blocks[r] ?? [], geometry.optPieces[r] ?? 0)[0];
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(rows)).toEqual([
      [0, 2],
      [2, 4],
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 8],
      [4, 6],
      [6, 8],
    ]);
  });

  it('map [-1,0] with step 4, size 2: rank r holds rows 4·(r div 4)…+3 of columns 4·(r mod 4)…', () => {
    const geometry = sliceGeometry(layoutOf([2, 4], [-1, 0], 4, 2));
    expect(geometry.problems).toEqual([]);
    const full = fullShapeOf([4, 4], geometry.modelSplit, geometry.optShards);
    expect(full).toEqual([8, 16]);
    for (let r = 0; r < 8; r += 1) {
      const box = boxOf(
        full,
        geometry.modelSplit,
        geometry.optShards,
        geometry.blocks[r] ?? [],
        geometry.optPieces[r] ?? 0,
      );
      expect(box).toEqual([
        [4 * Math.floor(r / 4), 4 * Math.floor(r / 4) + 4],
        [4 * (r % 4), 4 * (r % 4) + 4],
      ]);
    }
  });

  it('nested map [[1,0],-1] on dev [2,4]: dim 0 split by 8, axis 1 is the outer factor', () => {
    expect(splitCounts([2, 4], [[1, 0], -1])).toEqual([8, 1]);
    // rank r = (c0, c1) = (r div 4, r mod 4); block = c(axis 1)·4 + c(axis 0) = r.
    for (let r = 0; r < 8; r += 1) expect(blockIndex([2, 4], [[1, 0], -1], r)).toEqual([r, 0]);
  });

  it('an opt step that contradicts the replica spacing is flagged', () => {
    const geometry = sliceGeometry(layoutOf([2, 4], [-1, 0], 3, 2));
    expect(geometry.problems.map((p) => p.code)).toEqual(['opt-step-mismatch']);
  });
});

describe('inconsistent inputs (distributed.md §4)', () => {
  async function case1(): Promise<{ ranks: RankInput[] }> {
    return { ranks: rankInputs(await caseRanks('case1_tp_dp', 'ckpt')) };
  }

  it('missing rank files: replica groups with no file are reported, the other parameters still merge', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const { ranks } = await case1();
    // Drop ranks 1 and 5: layer.bias block 1 is held by ranks 1 and 5 only.
    const layout = analyzeSet(
      strategy,
      ranks.filter((r) => r.rank !== 1 && r.rank !== 5),
    );
    expect(layout.problems.find((p) => p.code === 'missing-ranks')?.ranks).toEqual([1, 5]);
    const bias = layout.parameters.find((p) => p.name === 'layer.bias');
    expect(bias?.mergeable).toBe(false);
    expect(bias?.problems.find((p) => p.code === 'missing-block')?.ranks).toEqual([1, 5]);
    // layer.weight rows 0–3 are still held by ranks 0, 2, 3: it merges.
    expect(layout.parameters.find((p) => p.name === 'layer.weight')?.mergeable).toBe(true);
    expect(layout.parameters.find((p) => p.name === 'norm.gamma')?.mergeable).toBe(true);
    expect(layout.problems.find((p) => p.code === 'unmergeable-parameters')?.detail).toContain('layer.bias');
  });

  it('a slice whose shape contradicts the others is named with its rank', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const { ranks } = await case1();
    const tampered = ranks.map((input) =>
      input.rank !== 3
        ? input
        : {
            ...input,
            index: {
              ...input.index,
              tensors: input.index.tensors.map((t) => (t.name === 'layer.weight' ? { ...t, shape: [2, 32] } : t)),
            },
          },
    );
    const weight = analyzeSet(strategy, tampered).parameters.find((p) => p.name === 'layer.weight');
    expect(weight?.problems.find((p) => p.code === 'slice-shape-mismatch')?.ranks).toEqual([3]);
    expect(weight?.mergeable).toBe(false);
  });

  it('a JSON tensor_shape that contradicts the slices is an error', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.json');
    const wrong = {
      ...strategy,
      layouts: strategy.layouts.map((l) => (l.name === 'layer.weight' ? { ...l, fullShape: [16, 16] } : l)),
    };
    const weight = analyzeSet(wrong, (await case1()).ranks).parameters.find((p) => p.name === 'layer.weight');
    expect(weight?.problems.map((p) => p.code)).toEqual(['full-shape-mismatch']);
  });

  it('tensor_map length ≠ tensor rank is an error', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const wrong = {
      ...strategy,
      layouts: strategy.layouts.map((l) => (l.name === 'layer.bias' ? { ...l, tensorMap: [0, -1] } : l)),
    };
    const bias = analyzeSet(wrong, (await case1()).ranks).parameters.find((p) => p.name === 'layer.bias');
    expect(bias?.problems.map((p) => p.code)).toContain('tensor-map-rank-mismatch');
  });

  it('nothing in the files matches the strategy: distributed-nothing-matches', async () => {
    const strategy = await caseStrategy('case2_opt_shard', 'strategy.ckpt');
    const { ranks } = await case1();
    const onlyUnknown = ranks.map((input) => ({
      ...input,
      index: { ...input.index, tensors: input.index.tensors.map((t) => ({ ...t, name: `x.${t.name}` })) },
    }));
    expect(() => analyzeSet(strategy, onlyUnknown)).toThrow(
      expect.objectContaining({ code: 'distributed-nothing-matches' }),
    );
  });

  it('no ranks and duplicate ranks are refused', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const { ranks } = await case1();
    expect(() => analyzeSet(strategy, [])).toThrow(LensError);
    expect(() => analyzeSet(strategy, [...ranks, { ...ranks[0]!, name: 'again' }])).toThrow(
      expect.objectContaining({ code: 'distributed-duplicate-rank' }),
    );
  });

  it('field-split and uneven (param_split_shape) layouts are refused per parameter', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const wrong = {
      ...strategy,
      layouts: strategy.layouts.map((l) =>
        l.name === 'layer.weight'
          ? { ...l, field: 2 }
          : l.name === 'layer.bias'
            ? { ...l, paramSplitShape: [3, 5] }
            : l,
      ),
    };
    const layout = analyzeSet(wrong, (await case1()).ranks);
    expect(layout.parameters.find((p) => p.name === 'layer.weight')?.problems.map((p) => p.code)).toEqual([
      'field-split-unsupported',
    ]);
    expect(layout.parameters.find((p) => p.name === 'layer.bias')?.problems.map((p) => p.code)).toEqual([
      'uneven-split-unsupported',
    ]);
  });

  it('hostile: a strategy claiming 2^40 devices is refused per parameter, without allocating', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const huge = {
      ...strategy,
      layouts: strategy.layouts.map((l) => (l.name === 'layer.weight' ? { ...l, devMatrix: [1 << 20, 1 << 20] } : l)),
    };
    const layout = analyzeSet(huge, (await case1()).ranks);
    expect(layout.parameters.find((p) => p.name === 'layer.weight')?.problems.map((p) => p.code)).toEqual([
      'bad-device-matrix',
    ]);
    expect(layout.expectedRanks).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sliceGeometry(huge.layouts[0]!).problems.map((p) => p.code)).toEqual(['bad-device-matrix']);
  });

  it('hostile: stages × devices beyond the rank limit is refused', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const manyStages = Array.from({ length: 20_000 }, (_, i) => i);
    const wide = {
      ...strategy,
      stages: manyStages,
      layouts: strategy.layouts.map((l) => ({ ...l, stages: manyStages })),
    };
    const { ranks } = await case1();
    expect(() => analyzeSet(wide, ranks)).toThrow(expect.objectContaining({ code: 'strategy-bad-layout' }));
  });
});

describe('layout problems in words', () => {
  it('dev_matrix sizes follow one rule (1 or more), checked per layout: -2 and 0 say the same', () => {
    const layout = (devMatrix: number[]) =>
      new TextEncoder().encode(
        JSON.stringify({
          current_stage: 1,
          parallel_layout_item: {
            w: {
              dev_matrix: devMatrix,
              tensor_map: [1, -1],
              field: 0,
              opt_weight_shard_step: 0,
              opt_weight_shard_size: 0,
            },
          },
        }),
      );
    for (const size of [-2, 0]) {
      const strategy = parseStrategy(layout([size, 4]));
      const problems = layoutErrors(strategy.layouts[0] as ParameterLayout);
      expect(problems.map((p) => describeLayoutProblem(p.code, p.detail))).toEqual([
        `The device matrix cannot be used: [${size},4] has the size ${size}; every size must be 1 or more.`,
      ]);
    }
  });

  it('a tensor map that uses an axis twice says so; one naming a missing axis says which', () => {
    const base = parseStrategy(fixtureBytes('distributed', 'case1_tp_dp', 'strategy.json'))
      .layouts[0] as ParameterLayout;
    const said = (tensorMap: number[]) =>
      layoutErrors({ ...base, tensorMap }).map((p) => describeLayoutProblem(p.code, p.detail));
    expect(said([1, 1])).toEqual([
      'The tensor map cannot be used: [1,1] uses device axis 1 more than once; each axis can split only one dimension, once.',
    ]);
    expect(said([5, -1])).toEqual([
      'The tensor map cannot be used: [5,-1] names device axis 5, but the device matrix [2,4] has axes 0–1.',
    ]);
  });
});

describe('a strategy parameter no rank file holds', () => {
  it('is an error of the parameter and of the set: the merged checkpoint would lack it', async () => {
    const strategy = await caseStrategy('case1_tp_dp', 'strategy.ckpt');
    const layouts = strategy.layouts.flatMap((l) => (l.name === 'layer.bias' ? [l, { ...l, name: 'head.bias' }] : [l]));
    const layout = analyzeSet({ ...strategy, layouts }, rankInputs(await caseRanks('case1_tp_dp', 'ckpt')));
    const plan = layout.parameters.find((p) => p.name === 'head.bias');
    expect(plan?.mergeable).toBe(false);
    expect(plan?.problems).toEqual([{ code: 'not-in-files', severity: 'error' }]);
    expect(layout.problems.find((p) => p.code === 'strategy-params-not-in-files')).toEqual({
      code: 'strategy-params-not-in-files',
      severity: 'error',
      detail: '1 of 4 strategy parameters is in no rank file: head.bias',
    });
  });
});
