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
import { BlobSource, MemorySource, type ByteSource } from '../../io/byte-source';
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

/** Records every read, to show that no byte of a rank file is read twice. */
class RecordingSource implements ByteSource {
  reads: [number, number][] = [];
  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length, signal);
    this.reads.push([offset, offset + bytes.length]);
    return bytes;
  }
}

async function openSet(): Promise<{ files: RankFile[]; recorded: RecordingSource[] }> {
  const recorded: RecordingSource[] = [];
  const inputs = await Promise.all(
    set.ranks.map(async (file) => {
      const source = new RecordingSource(new BlobSource(await openAsBlob(file)));
      recorded.push(source);
      return { name: path.relative(dir, file), source };
    }),
  );
  const files = await openRankFiles(inputs);
  for (const source of recorded) source.reads = [];
  return { files, recorded };
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

  for (const partBytes of [undefined, 100_000]) {
    const parts = partBytes ? 'parts of 100 kB' : 'one part';
    it(`the streamed unified export (${parts}, odd windows) holds the formula${partBytes ? '' : ' and never reads a byte twice'}`, async () => {
      const params = mergeSetParams(set.shape);
      const strategy = await readStrategy(new BlobSource(await openAsBlob(set.strategy)), {
        fileName: 'strategy.json',
      });
      const { files, recorded } = await openSet();
      const view = openMergedView(strategy, files);
      const unified = planUnifiedParts(view, partBytes ? { partBytes } : {});
      expect(unified.parts.length > 1).toBe(partBytes !== undefined);
      const groups = [...unified.parts, ...(unified.hyperParams ? [unified.hyperParams] : [])];
      const seen = new Set<string>();
      for (const group of groups) {
        const names = new Set(group.names);
        const plan = planExport(view.index, { format: 'safetensors', select: (entry) => names.has(entry.name) });
        // 1000-byte windows: runs and rows are cut at arbitrary places.
        const job = await buildExport(view, plan, { windowBytes: 1000 });
        const output = new Uint8Array(job.size);
        let at = 0;
        for await (const chunk of exportChunks(job)) {
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
      if (partBytes) return;
      // One pass in the view's order: every slice the merge needs is read, and no byte twice
      // (slices next to each other are read together; replicas are skipped unless a record
      // header's width away).
      for (const [r, source] of recorded.entries()) {
        const reads = [...source.reads].sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < reads.length; i += 1) {
          expect((reads[i] as [number, number])[0], `rank ${r} read twice`).toBeGreaterThanOrEqual(
            (reads[i - 1] as [number, number])[1],
          );
        }
        // Reads that touch merge into stretches; each slice must lie inside one.
        const stretches: [number, number][] = [];
        for (const [start, end] of reads) {
          const last = stretches[stretches.length - 1];
          if (last && start <= last[1]) last[1] = Math.max(last[1], end);
          else stretches.push([start, end]);
        }
        const covered = (from: number, to: number): boolean =>
          stretches.some(([start, end]) => start <= from && to <= end);
        for (const plan of view.plans) {
          const holding = plan.holdings.find((h) => h.rank === r && (h.source || plan.kind === 'extra'));
          if (!holding || (plan.kind === 'extra' && r !== 0)) continue;
          const entry = files[r]?.opened.index.tensors.find((tensor) => tensor.name === plan.name);
          for (const range of entry?.ranges ?? []) {
            expect(covered(range.offset, range.offset + range.length), `${plan.name} of rank ${r}`).toBe(true);
          }
        }
      }
    });
  }
});
