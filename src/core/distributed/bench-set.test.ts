import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateMergeSet,
  MERGE_SET_EXTRAS,
  mergeSetParams,
  mergeSetSlice,
  type MergeSet,
} from '../../../bench/merge-set';
import { readStrategy } from '../../formats/strategy';
import { scanSafetensors } from '../../formats/safetensors/scan';
import { BlobSource, CountingSource, MemorySource } from '../../io/byte-source';
import { buildExport, exportChunks, planExport } from '../export';
import { readEntryBytes } from './boxes';
import { openMergedView, readTensor, type RankFile } from './merge';
import { openRankFiles } from './set';
import { planUnifiedParts } from './unified';

// A tiny instance of the benchmark's generated 8-rank set (bench/merge-set.ts): the merge must
// rebuild every full tensor exactly as the generator's formula says, reading each source slice once.
let dir = '';
let set: MergeSet;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-merge-set-'));
  set = generateMergeSet(dir, 256 * 1024, { hidden: 16 });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function openSet(): Promise<{ files: RankFile[]; counted: CountingSource[] }> {
  const counted: CountingSource[] = [];
  const inputs = await Promise.all(
    set.ranks.map(async (file) => {
      const source = new CountingSource(new BlobSource(await openAsBlob(file)));
      counted.push(source);
      return { name: path.relative(dir, file), source };
    }),
  );
  const files = await openRankFiles(inputs);
  for (const source of counted) {
    source.bytesRead = 0;
    source.reads = 0;
  }
  return { files, counted };
}

const expectedFull = (k: number): Uint8Array => {
  const param = mergeSetParams(set.shape)[k];
  if (!param) throw new Error(`no parameter ${k}`);
  return mergeSetSlice(
    k,
    param,
    param.shape.map((size): [number, number] => [0, size]),
  );
};

describe('the generated benchmark set merges to its formula', () => {
  it('has every kind of layout and merges every tensor element for element', async () => {
    const params = mergeSetParams(set.shape);
    expect(set.shape.layers).toBeGreaterThan(1);
    const strategy = await readStrategy(new BlobSource(await openAsBlob(set.strategy)), { fileName: 'strategy.json' });
    const { files } = await openSet();
    expect(files.map((file) => file.rank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const view = openMergedView(strategy, files);
    expect(view.layout.problems.map((problem) => problem.code)).toEqual(['files-params-not-in-strategy']);
    expect(view.index.tensors.map((entry) => entry.name)).toEqual(
      [...params.map((param) => param.name), ...MERGE_SET_EXTRAS.map((extra) => extra.name)].sort(),
    );
    // Replicas: dev_matrix [2,4] parameters are read from ranks 0–3 only, norms from rank 0.
    const sourcesOf = (name: string): number[] =>
      view.plans
        .find((plan) => plan.name === name)
        ?.holdings.filter((holding) => holding.source)
        .map((holding) => holding.rank) ?? [];
    expect(sourcesOf('model.layers.0.mlp.w2.weight')).toEqual([0, 1, 2, 3]);
    expect(sourcesOf('model.layers.0.mlp.w3.weight')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sourcesOf('model.layers.0.attention_norm.gamma')).toEqual([0]);
    for (const [k, param] of params.entries()) {
      const entry = view.index.tensors.find((tensor) => tensor.name === param.name);
      expect(entry?.shape, param.name).toEqual(param.shape);
      expect(entry?.dtype, param.name).toBe(param.dtype);
      expect(await readTensor(view, param.name), param.name).toEqual(expectedFull(k));
    }
    for (const extra of MERGE_SET_EXTRAS) {
      expect(await readTensor(view, extra.name)).toEqual(extra.bytes);
    }
  });

  it('the streamed unified export (odd windows) holds the formula and reads each source slice exactly once', async () => {
    const params = mergeSetParams(set.shape);
    const strategy = await readStrategy(new BlobSource(await openAsBlob(set.strategy)), { fileName: 'strategy.json' });
    const { files, counted } = await openSet();
    const view = openMergedView(strategy, files);
    const unified = planUnifiedParts(view, { partBytes: 100_000 });
    expect(unified.parts.length).toBeGreaterThan(1);
    const groups = [...unified.parts, ...(unified.hyperParams ? [unified.hyperParams] : [])];
    const seen = new Set<string>();
    for (const group of groups) {
      const names = new Set(group.names);
      const plan = planExport(view.index, { format: 'safetensors', select: (entry) => names.has(entry.name) });
      // 1000-byte windows: runs and rows are cut at arbitrary places.
      const job = await buildExport(view, plan, { windowBytes: 1000 });
      const chunks: Uint8Array[] = [];
      for await (const chunk of exportChunks(job)) chunks.push(chunk);
      const output = new Uint8Array(job.size);
      let at = 0;
      for (const chunk of chunks) {
        output.set(chunk, at);
        at += chunk.length;
      }
      expect(at).toBe(job.size);
      const source = new MemorySource(output);
      const index = await scanSafetensors(source);
      for (const entry of index.tensors) {
        seen.add(entry.name);
        const bytes = await readEntryBytes(source, entry, 0, entry.bytes);
        const k = params.findIndex((param) => param.name === entry.name);
        if (k < 0) expect(bytes).toEqual(MERGE_SET_EXTRAS.find((extra) => extra.name === entry.name)?.bytes);
        else expect(bytes, entry.name).toEqual(expectedFull(k));
      }
    }
    expect(seen.size).toBe(params.length + MERGE_SET_EXTRAS.length);
    // Each distinct slice once (replicas never), the extras once from rank 0.
    const sourceBytes = view.plans.reduce((sum, plan) => {
      if (plan.kind === 'extra') return sum;
      const itemBytes = plan.dtype === 'Float16' ? 2 : 4;
      return (
        sum +
        plan.holdings
          .filter((holding) => holding.source)
          .reduce((n, holding) => n + holding.box.reduce((e, [a, b]) => e * (b - a), itemBytes), 0)
      );
    }, 0);
    const extraBytes = MERGE_SET_EXTRAS.reduce((sum, extra) => sum + extra.bytes.length, 0);
    expect(counted.reduce((sum, source) => sum + source.bytesRead, 0)).toBe(sourceBytes + extraBytes);
  });
});
