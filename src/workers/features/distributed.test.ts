import { openAsBlob } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEntryBytes } from '../../core/distributed/boxes';
import { openCheckpoint } from '../../core/open';
import { encryptBytes } from '../../crypto/encrypt';
import { BlobSource } from '../../io/byte-source';
import { expectedTensors, folderFiles } from '../../test/distributed';
import { fixtureBytes, fixturePath } from '../../test/fixtures';
import { cancelJob } from '../registry';
import { distributedApi, type SetExportRequest, type SetFileInput } from './distributed';

let counter = 0;
const ids = (): { setId: string; jobId: string } => ({ setId: `s${++counter}`, jobId: `j${counter}` });

describe('distributed worker feature', () => {
  it('switches to the .safetensors shards, exports the merged set and matches expected_merged tensor for tensor', async () => {
    const files = await folderFiles('distributed', 'case1_tp_dp');
    const request = {
      ...ids(),
      files,
      inputFormat: 'safetensors' as const,
      strategyPaths: ['case1_tp_dp/strategy.json'],
    };
    const result = await distributedApi.openSet(request);
    expect(result.ranks.every((r) => r.format === 'safetensors')).toBe(true);
    expect(result.strategy?.encoding).toBe('json');
    const progress: number[] = [];
    const exported = await distributedApi.exportSet(
      {
        setId: request.setId,
        jobId: 'export-1',
        format: 'safetensors',
        filterText: '',
        nameMap: null,
        cast: null,
        includeExtras: true,
        partBytes: null,
        metadataFormat: 'ms',
      },
      (fraction) => progress.push(fraction),
    );
    expect(exported.outputs.map((o) => o.fileName)).toEqual(['case1_tp_dp.merged.safetensors']);
    expect(progress[progress.length - 1]).toBe(1);
    const blob = exported.outputs[0]?.blob;
    if (!blob) throw new Error('no blob');
    const reopened = await openCheckpoint(new BlobSource(blob));
    const expected = await expectedTensors('case1_tp_dp');
    expect(reopened.index.tensors.map((t) => t.name).sort()).toEqual([...expected.keys()].sort());
    for (const entry of reopened.index.tensors) {
      const bytes = await readEntryBytes(reopened.plaintext, entry, 0, entry.bytes);
      expect(bytes, entry.name).toEqual(expected.get(entry.name)?.bytes);
    }
  });

  it('splits into unified parts with param_name_map.json and a hyper_param file for global_step', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case1_tp_dp') };
    await distributedApi.openSet(request);
    const exported = await distributedApi.exportSet({
      setId: request.setId,
      jobId: 'export-2',
      format: 'ckpt',
      filterText: '',
      nameMap: null,
      cast: null,
      includeExtras: true,
      partBytes: 64,
      metadataFormat: null,
    });
    const names = exported.outputs.map((o) => o.fileName);
    expect(names).toContain('hyper_param.ckpt');
    expect(names[names.length - 1]).toBe('param_name_map.json');
    const map = JSON.parse(await (exported.outputs.at(-1)?.blob as Blob).text()) as {
      weight_map: Record<string, string>;
    };
    expect(Object.keys(map.weight_map).sort()).toEqual(['layer.bias', 'layer.weight', 'norm.gamma']);
  });

  it('golden-stick: the strategy does not describe the shards, and the replica check finds lm_head differs', async () => {
    const files = [
      ...(await folderFiles('real', 'golden-stick__llama2-13b-fp16')),
      {
        path: 'golden-stick__ckpt_strategy_rank_0.ckpt',
        file: await openAsBlob(fixturePath('real', 'golden-stick__ckpt_strategy_rank_0.ckpt')),
      },
    ];
    const request = { ...ids(), files };
    const result = await distributedApi.openSet(request);
    expect(result.status).toBe('ready');
    expect(result.ranks.map((r) => r.rank)).toEqual([0, 1]);
    expect(result.layout?.problems.map((p) => p.code)).toContain('strategy-params-not-in-files');
    const check = await distributedApi.checkSetReplicas(request.setId, 'replicas-1');
    expect(check.reports.map((r) => r.name)).toContain('lm_head.weight');
    const lmHead = check.layout.parameters.find((p) => p.name === 'lm_head.weight');
    expect(lmHead?.problems.map((p) => p.code)).toContain('replicas-differ');
    // The replicated embedding really is byte-identical on both ranks (fixture notes).
    expect(check.reports.map((r) => r.name)).not.toContain('model.tok_embeddings.embedding_weight');
  });
});

const exportRequest = (setId: string, jobId: string): SetExportRequest => ({
  setId,
  jobId,
  format: 'safetensors',
  filterText: '',
  nameMap: null,
  cast: null,
  includeExtras: true,
  partBytes: null,
  metadataFormat: 'ms',
});

async function exportedTensors(blob: Blob | undefined): Promise<Map<string, Uint8Array>> {
  if (!blob) throw new Error('no blob');
  const reopened = await openCheckpoint(new BlobSource(blob));
  const out = new Map<string, Uint8Array>();
  for (const entry of reopened.index.tensors)
    out.set(entry.name, await readEntryBytes(reopened.plaintext, entry, 0, entry.bytes));
  return out;
}

describe('distributed worker feature: strategies, keys, cancel', () => {
  it('case3: the merged pipeline strategy is chosen by default; the two stage files combined merge the same', async () => {
    const files = await folderFiles('distributed', 'case3_pipeline');
    const first = await distributedApi.openSet({ ...ids(), files });
    expect(first.strategy?.files).toEqual(['case3_pipeline/merged_strategy.ckpt']);
    expect(first.strategyCandidates).toHaveLength(3);
    const request = {
      ...ids(),
      files,
      strategyPaths: ['case3_pipeline/strategy_stage0.ckpt', 'case3_pipeline/strategy_stage1.ckpt'],
    };
    const second = await distributedApi.openSet(request);
    expect(second.strategy?.stages).toEqual([0, 1]);
    expect(second.layout?.expectedRanks).toEqual([0, 1, 2, 3]);
    const exported = await distributedApi.exportSet(exportRequest(request.setId, 'export-case3'));
    const got = await exportedTensors(exported.outputs[0]?.blob);
    const expected = await expectedTensors('case3_pipeline');
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, bytes] of got) expect(bytes, name).toEqual(expected.get(name)?.bytes);
  });

  it('encrypted rank files: refused without the key, opened and merged with one key for all', async () => {
    const key = new Uint8Array(32).fill(9);
    const files: SetFileInput[] = [
      {
        path: 'set/strategy.ckpt',
        file: new Blob([fixtureBytes('distributed', 'case1_tp_dp', 'strategy.ckpt') as Uint8Array<ArrayBuffer>]),
      },
    ];
    for (let rank = 0; rank < 8; rank += 1) {
      const plain = fixtureBytes('distributed', 'case1_tp_dp', `rank_${rank}`, `checkpoint_${rank}.ckpt`);
      // Half encrypted, half plain: the key applies to the encrypted ones only.
      const bytes = rank % 2 === 0 ? await encryptBytes(plain, { mode: 'AES-GCM', key }) : plain;
      files.push({
        path: `set/rank_${rank}/checkpoint_${rank}.ckpt`,
        file: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      });
    }
    await expect(distributedApi.openSet({ ...ids(), files })).rejects.toMatchObject({ code: 'encrypted-needs-key' });
    const request = { ...ids(), files, key };
    const result = await distributedApi.openSet(request);
    expect(result.ranks.map((r) => r.encrypted)).toEqual([true, false, true, false, true, false, true, false]);
    const got = await exportedTensors(
      (await distributedApi.exportSet(exportRequest(request.setId, 'export-enc'))).outputs[0]?.blob,
    );
    const expected = await expectedTensors('case1_tp_dp');
    for (const [name, bytes] of got) expect(bytes, name).toEqual(expected.get(name)?.bytes);
  });

  it('a cancelled export rejects and writes nothing', async () => {
    const request = { ...ids(), files: await folderFiles('distributed', 'case1_tp_dp') };
    await distributedApi.openSet(request);
    const running = distributedApi.exportSet(exportRequest(request.setId, 'export-cancel'));
    cancelJob('export-cancel');
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('re-slicing an open set for another strategy', () => {
  it('case1 re-sliced for its own strategy gives back every rank file, tensor for tensor', async () => {
    const files = await folderFiles('distributed', 'case1_tp_dp');
    const { setId, jobId } = ids();
    await distributedApi.openSet({ setId, jobId, files });
    const strategyFile = await openAsBlob(fixturePath('distributed', 'case1_tp_dp', 'strategy.ckpt'));
    const info = await distributedApi.readResliceStrategy(strategyFile, 'strategy.ckpt', `${jobId}-info`);
    expect(info.ranks).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const { outputs } = await distributedApi.resliceSet({
      setId,
      jobId: `${jobId}-reslice`,
      strategyFile,
      strategyName: 'strategy.ckpt',
      rank: null,
      format: 'safetensors',
    });
    expect(outputs.map((o) => o.fileName)).toEqual(info.ranks.map((r) => `rank_${r}/net.safetensors`));
    for (const output of outputs) {
      if (!output.blob) throw new Error('no blob');
      const got = await openCheckpoint(new BlobSource(output.blob));
      const own = await openCheckpoint(
        new BlobSource(
          await openAsBlob(
            fixturePath('distributed', 'case1_tp_dp', `rank_${output.rank}`, `checkpoint_${output.rank}.ckpt`),
          ),
        ),
      );
      expect(got.index.tensors.map((t) => t.name).sort()).toEqual(own.index.tensors.map((t) => t.name).sort());
      for (const entry of own.index.tensors) {
        const mine = got.index.tensors.find((t) => t.name === entry.name);
        if (!mine) throw new Error(entry.name);
        expect(mine.shape, `${entry.name} rank ${output.rank}`).toEqual(entry.shape);
        expect(await readEntryBytes(got.plaintext, mine, 0, mine.bytes)).toEqual(
          await readEntryBytes(own.plaintext, entry, 0, entry.bytes),
        );
      }
    }
  });

  it('refuses a rank the target strategy does not have, and stops when cancelled', async () => {
    const files = await folderFiles('distributed', 'case1_tp_dp');
    const { setId, jobId } = ids();
    await distributedApi.openSet({ setId, jobId, files });
    const strategyFile = await openAsBlob(fixturePath('distributed', 'case1_tp_dp', 'strategy.ckpt'));
    const request = { setId, strategyFile, strategyName: 'strategy.ckpt', format: 'ckpt' as const };
    await expect(distributedApi.resliceSet({ ...request, jobId: `${jobId}-a`, rank: 8 })).rejects.toMatchObject({
      code: 'usage',
    });
    const running = distributedApi.resliceSet({ ...request, jobId: `${jobId}-b`, rank: null });
    cancelJob(`${jobId}-b`);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
  });
});
