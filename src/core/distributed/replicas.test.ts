import { describe, expect, it } from 'vitest';
import { readStrategy } from '../../formats/strategy';
import { fixtureSource } from '../../test/fixtures';
import { caseRanks, caseStrategy } from '../../test/distributed';
import { analyzeSet } from './layout';
import { rankInputs } from './merge';
import { checkReplicas, withReplicaReports } from './replicas';
import { openRankFiles } from './set';

const GOLDEN = 'golden-stick__llama2-13b-fp16';

async function goldenStick() {
  const strategy = await readStrategy(await fixtureSource('real', 'golden-stick__ckpt_strategy_rank_0.ckpt'), {
    fileName: 'golden-stick__ckpt_strategy_rank_0.ckpt',
  });
  const files = await openRankFiles(
    await Promise.all(
      [0, 1].map(async (rank) => ({
        name: `${GOLDEN}/rank_${rank}/checkpoint_${rank}.ckpt`,
        source: await fixtureSource('real', GOLDEN, `rank_${rank}`, `checkpoint_${rank}.ckpt`),
      })),
    ),
  );
  return { strategy, files };
}

describe('replica agreement', () => {
  it('the distributed fixtures have identical replicas', async () => {
    for (const [name, strategyFile] of [
      ['case1_tp_dp', 'strategy.ckpt'],
      ['case2_opt_shard', 'strategy.ckpt'],
      ['case3_pipeline', 'merged_strategy.ckpt'],
    ] as const) {
      const files = await caseRanks(name, 'ckpt');
      const layout = analyzeSet(await caseStrategy(name, strategyFile), rankInputs(files));
      const reports = await checkReplicas(files, layout);
      expect(
        reports.flatMap((r) => r.differences),
        name,
      ).toEqual([]);
      // case1 layer.weight: 2 boxes × 3 extra replicas each.
      if (name === 'case1_tp_dp') expect(reports.find((r) => r.name === 'layer.weight')?.compared).toBe(6);
    }
  });
});

describe('the real golden-stick set and a strategy that does not belong to it', () => {
  it('reports the mismatch instead of papering over it', async () => {
    const { strategy, files } = await goldenStick();
    const layout = analyzeSet(strategy, rankInputs(files));
    // The strategy describes a 40-layer model; the shards hold a 1-layer one.
    const notInFiles = layout.problems.find((p) => p.code === 'strategy-params-not-in-files');
    expect(notInFiles?.detail).toMatch(/^351 of 363 strategy parameters are in no rank file/);
    expect(layout.expectedRanks).toEqual([0, 1]);
    expect(layout.problems.find((p) => p.code === 'missing-ranks')).toBeUndefined();
    // All 12 tensors of the shards are in the strategy.
    const present = layout.parameters.filter((p) => p.holdings.some((h) => h.present));
    expect(present.length).toBe(12);
    expect(present.every((p) => p.kind === 'sharded')).toBe(true);
    // Row-split wq: [20,40] slices on dev [2] with map [0,-1] → [40,40].
    expect(layout.parameters.find((p) => p.name === 'model.layers.0.attention.wq.weight')?.fullShape).toEqual([40, 40]);
    // lm_head is "not split" by the strategy, so metadata alone says [16000,40] ...
    const lmHead = layout.parameters.find((p) => p.name === 'lm_head.weight');
    expect(lmHead?.fullShape).toEqual([16000, 40]);
    expect(lmHead?.replicaGroups).toEqual([[0, 1]]);

    // ... and the replica check shows the two "replicas" are different halves of the vocabulary.
    const reports = await checkReplicas(files, layout);
    const differing = reports.filter((r) => r.differences.length > 0).map((r) => r.name);
    expect(differing).toEqual(['lm_head.weight']);
    const checked = withReplicaReports(layout, reports);
    const problem = checked.parameters
      .find((p) => p.name === 'lm_head.weight')
      ?.problems.find((p) => p.code === 'replicas-differ');
    expect(problem?.ranks).toEqual([1]);
    // Truly replicated tensors (embedding, norms) agree, as the fixture README says.
    expect(reports.find((r) => r.name === 'model.tok_embeddings.embedding_weight')).toEqual({
      name: 'model.tok_embeddings.embedding_weight',
      compared: 1,
      differences: [],
    });
  });
});
