import { openAsBlob, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderFiles } from '../../test/distributed';
import { fixturePath } from '../../test/fixtures';
import { openDistributedSet } from './open-set';
import { chooseStrategies, type SetFileInput } from './set-input';

interface CaseManifest {
  params: Record<string, { full_shape: number[]; boxes: Record<string, [number, number][]> }>;
}

function caseManifest(name: string): CaseManifest {
  return JSON.parse(readFileSync(fixturePath('distributed', name, 'manifest.json'), 'utf8')) as CaseManifest;
}

describe('opening a distributed set from dropped files', () => {
  it('opens the case1 folder: strategy detected, ranks from rank_N folders, layout as the manifest says', async () => {
    const files = await folderFiles('distributed', 'case1_tp_dp');
    const result = (await openDistributedSet({ files }, { signal: new AbortController().signal })).summary;
    expect(result.status).toBe('ready');
    expect(result.strategyCandidates).toEqual(['case1_tp_dp/strategy.ckpt', 'case1_tp_dp/strategy.json']);
    expect(result.strategy?.files).toEqual(['case1_tp_dp/strategy.ckpt']);
    expect(result.formats).toEqual(['ckpt', 'safetensors']);
    expect(result.ranks.map((r) => r.rank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(result.ranks[3]?.path).toBe(`case1_tp_dp/rank_3/checkpoint_3.${result.inputFormat}`);
    expect(result.ignored).toContainEqual(
      expect.objectContaining({ path: 'case1_tp_dp/expected_merged.safetensors', reason: 'no-rank' }),
    );
    expect(result.ignored).toContainEqual(
      expect.objectContaining({ path: 'case1_tp_dp/manifest.json', reason: 'not-a-checkpoint' }),
    );
    const manifest = caseManifest('case1_tp_dp');
    for (const [name, expected] of Object.entries(manifest.params)) {
      const plan = result.layout?.parameters.find((p) => p.name === name);
      expect(plan?.fullShape, name).toEqual(expected.full_shape);
      for (const [rank, box] of Object.entries(expected.boxes)) {
        expect(plan?.holdings.find((h) => h.rank === Number(rank))?.box, `${name} rank ${rank}`).toEqual(box);
      }
    }
  });

  it('needs ranks assigned when names do not say, and uses the assignment', async () => {
    const dir = fixturePath('distributed', 'case1_tp_dp');
    const files: SetFileInput[] = [
      { path: 'strategy.ckpt', file: await openAsBlob(path.join(dir, 'strategy.ckpt')) },
      { path: 'a.ckpt', file: await openAsBlob(path.join(dir, 'rank_0', 'checkpoint_0.ckpt')) },
    ];
    const first = (await openDistributedSet({ files }, { signal: new AbortController().signal })).summary;
    expect(first.status).toBe('needs-ranks');
    expect(first.ignored).toEqual([expect.objectContaining({ path: 'a.ckpt', reason: 'no-rank' })]);
    const second = (
      await openDistributedSet({ files, ranks: { 'a.ckpt': 0 } }, { signal: new AbortController().signal })
    ).summary;
    expect(second.status).toBe('ready');
    expect(second.layout?.problems.map((p) => p.code)).toContain('missing-ranks');
  });

  it('per-stage strategy files are combined when no merged file is among the candidates', () => {
    const stage = (fileStage: number, encoding: 'protobuf' | 'json' = 'protobuf') =>
      ({ fileStage, encoding, pipelineMerged: false }) as Parameters<typeof chooseStrategies>[0][number]['strategy'];
    expect(
      chooseStrategies([
        { path: 's1.ckpt', strategy: stage(1) },
        { path: 's0.json', strategy: stage(0, 'json') },
        { path: 's0.ckpt', strategy: stage(0) },
      ]),
    ).toEqual(['s0.ckpt', 's1.ckpt']);
  });
});
