import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { MAX_SHARD_INDEX_BYTES } from '../../base/limits';
import type { CheckpointIndex } from '../../base/types';
import { CountingSource, MemorySource, type ByteSource } from '../../io/byte-source';
import { fixtureBytes, fixturePath, fixtureSource } from '../../test/fixtures';
import { describeFileProblem } from '../messages';
import { openShardedCheckpoint, type ShardSetInput } from './open';

const DIR = ['pytorch', 'sharded_safetensors'];
const INDEX = 'model.safetensors.index.json';
const SHARD1 = 'model-00001-of-00002.safetensors';
const SHARD2 = 'model-00002-of-00002.safetensors';

interface ManifestTensor {
  name: string;
  dtype: string;
  shape: number[];
  sha256: string;
}
const MANIFEST = JSON.parse(readFileSync(fixturePath('pytorch', 'MANIFEST.json'), 'utf8')) as {
  files: Record<string, { tensors: ManifestTensor[] }>;
};
const EXPECTED = (MANIFEST.files['sharded_safetensors/'] as { tensors: ManifestTensor[] }).tensors;
const REAL_INDEX = JSON.parse(new TextDecoder().decode(fixtureBytes(...DIR, INDEX))) as {
  metadata: { total_size: number };
  weight_map: Record<string, string>;
};

const json = (value: unknown): MemorySource => new MemorySource(new TextEncoder().encode(JSON.stringify(value)));

/** The fixture folder, with the index and the shard list overridable. */
function fixtureSet(
  options: { index?: ByteSource; shards?: Record<string, string | null>; indexName?: string } = {},
): ShardSetInput {
  const shards: Record<string, string | null> = { [SHARD1]: SHARD1, [SHARD2]: SHARD2, ...options.shards };
  return {
    indexName: options.indexName ?? INDEX,
    indexSource: options.index ?? new MemorySource(fixtureBytes(...DIR, INDEX)),
    async shard(file) {
      const real = shards[file];
      return real ? fixtureSource(...DIR, real) : null;
    },
  };
}

async function errorOf(promise: Promise<unknown>): Promise<LensError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LensError) return error;
    throw error;
  }
  throw new Error('expected a LensError');
}

const codes = (index: CheckpointIndex): string[] => index.problems.map((problem) => problem.code);

describe('openShardedCheckpoint on the real sharded_safetensors set', () => {
  it('opens both shards as one checkpoint whose tensors read back to the manifest hashes', async () => {
    const opened = await openShardedCheckpoint(fixtureSet());
    const { index } = opened;
    expect(index.problems).toEqual([]);
    expect(index.tensors.map((t) => t.name).sort()).toEqual(EXPECTED.map((t) => t.name).sort());
    for (const expected of EXPECTED) {
      const entry = index.tensors.find((t) => t.name === expected.name);
      expect(entry?.shape).toEqual(expected.shape);
      expect(entry?.shard).toBe(REAL_INDEX.weight_map[expected.name]);
      // Read through the one virtual source, as stats and export do.
      const parts = await Promise.all(
        (entry?.ranges ?? []).map((range) => opened.plaintext.read(range.offset, range.length)),
      );
      const hash = createHash('sha256');
      for (const part of parts) hash.update(part);
      expect(hash.digest('hex'), expected.name).toBe(expected.sha256);
      // One-element tensors show their value, decoded here independently from the same bytes.
      if (expected.shape.every((dim) => dim === 1) && expected.dtype.endsWith('int64')) {
        const bytes = Buffer.concat(parts);
        expect(entry?.value, expected.name).toBe(Number(bytes.readBigInt64LE(0)));
      }
    }
    expect(
      index.tensors
        .filter((t) => t.value !== undefined)
        .map((t) => t.name)
        .sort(),
    ).toEqual(
      EXPECTED.filter((t) => t.shape.every((dim) => dim === 1))
        .map((t) => t.name)
        .sort(),
    );
    expect(index.sharded?.kind).toBe('huggingface');
    expect(index.sharded?.declaredTotalSize).toBe(REAL_INDEX.metadata.total_size);
    expect(index.sharded?.shards.map((s) => [s.file, s.tensorCount])).toEqual([
      [SHARD1, 7],
      [SHARD2, 8],
    ]);
    const sizes = [SHARD1, SHARD2].map((file) => fixtureBytes(...DIR, file).length);
    expect(index.size).toBe(sizes[0]! + sizes[1]!);
    expect(index.sharded?.shards[1]?.base).toBe(sizes[0]);
  });

  it('reports progress over the whole set, ending at 1', async () => {
    const fractions: number[] = [];
    await openShardedCheckpoint(fixtureSet(), { onProgress: (fraction) => fractions.push(fraction) });
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions).toContain(0.5);
    expect(fractions[fractions.length - 1]).toBe(1);
  });

  it('hands export each tensor as a range of its own shard', async () => {
    const opened = await openShardedCheckpoint(fixtureSet());
    const fc = opened.index.tensors.find((t) => t.name === 'fc.bias');
    const ranges = fc ? opened.contentRanges?.(fc) : null;
    expect(ranges).toHaveLength(1);
    const shard2 = await fixtureSource(...DIR, SHARD2);
    expect(ranges?.[0]?.source.size).toBe(shard2.size);
    const direct = await ranges![0]!.source.read(ranges![0]!.offset, ranges![0]!.length);
    const virtual = await opened.plaintext.read(fc!.ranges[0]!.offset, fc!.ranges[0]!.length);
    expect(direct).toEqual(virtual);
  });

  it('reports a missing shard file and lists the tensors of the shards that are there', async () => {
    const { index } = await openShardedCheckpoint(fixtureSet({ shards: { [SHARD2]: null } }));
    expect(codes(index)).toEqual(['shard-file-missing']);
    expect(index.tensors.every((t) => t.shard === SHARD1)).toBe(true);
    expect(index.tensors).toHaveLength(7);
    const sentence = describeFileProblem('shard-file-missing', index.problems[0]!.detail);
    expect(sentence).toContain(SHARD2);
    expect(sentence).toContain('8 tensors');
    // The advice follows where it is read: drop the folder on the page, put the file beside the index in a terminal.
    expect(sentence).toContain('drop the whole folder');
    const cli = describeFileProblem('shard-file-missing', index.problems[0]!.detail, 'cli');
    expect(cli).toContain(`not beside it: ${SHARD2}`);
    expect(cli).not.toContain('drop');
  });

  it('reports a tensor the index names but no shard holds (and does not judge total_size then)', async () => {
    const index = json({ ...REAL_INDEX, weight_map: { ...REAL_INDEX.weight_map, 'head.weight': SHARD2 } });
    const opened = await openShardedCheckpoint(fixtureSet({ index }));
    expect(codes(opened.index)).toEqual(['shard-tensor-missing']);
    expect(opened.index.problems[0]?.detail).toContain('"head.weight"');
  });

  it('reports a tensor a shard holds that the index does not name, and the total_size that no longer adds up', async () => {
    const weightMap = { ...REAL_INDEX.weight_map };
    delete weightMap['fc.bias'];
    const opened = await openShardedCheckpoint(fixtureSet({ index: json({ ...REAL_INDEX, weight_map: weightMap }) }));
    expect(codes(opened.index).sort()).toEqual(['shard-tensor-not-indexed', 'shard-total-size-mismatch']);
    expect(opened.index.tensors.find((t) => t.name === 'fc.bias')?.shard).toBe(SHARD2);
  });

  it('reports a total_size that disagrees with the tensors', async () => {
    const index = json({ ...REAL_INDEX, metadata: { total_size: REAL_INDEX.metadata.total_size + 4 } });
    const opened = await openShardedCheckpoint(fixtureSet({ index }));
    expect(codes(opened.index)).toEqual(['shard-total-size-mismatch']);
    expect(opened.index.problems[0]?.detail).toContain(
      `${(REAL_INDEX.metadata.total_size + 4).toLocaleString('en-US')} bytes`,
    );
  });

  it('reports a name found in two shards and keeps the copy the index names', async () => {
    // A third shard holding the same tensors as the first; the index puts conv1.bias there.
    const copy = 'model-extra.safetensors';
    const index = json({ ...REAL_INDEX, weight_map: { ...REAL_INDEX.weight_map, 'conv1.bias': copy } });
    const opened = await openShardedCheckpoint(fixtureSet({ index, shards: { [copy]: SHARD1 } }));
    const duplicates = opened.index.problems.filter((p) => p.code === 'shard-duplicate-name');
    expect(duplicates).toHaveLength(7);
    expect(opened.index.tensors.filter((t) => t.name === 'conv1.bias').map((t) => t.shard)).toEqual([copy]);
    expect(opened.index.tensors.filter((t) => t.name === 'conv1.weight').map((t) => t.shard)).toEqual([SHARD1]);
    expect(new Set(opened.index.tensors.map((t) => t.name)).size).toBe(opened.index.tensors.length);
  });

  it('fails with a clear error when no shard is there', async () => {
    const error = await errorOf(openShardedCheckpoint(fixtureSet({ shards: { [SHARD1]: null, [SHARD2]: null } })));
    expect(error.code).toBe('shard-set-no-shards');
  });
});

describe('MindSpore unified layout (param_name_map.json)', () => {
  /** safetensors bytes of float32 tensors with the given values. */
  function safetensors(tensors: Record<string, number[]>): Uint8Array {
    const header: Record<string, unknown> = { __metadata__: { format: 'ms' } };
    let at = 0;
    for (const [name, values] of Object.entries(tensors)) {
      header[name] = { dtype: 'F32', shape: [values.length], data_offsets: [at, at + values.length * 4] };
      at += values.length * 4;
    }
    let text = JSON.stringify(header);
    while ((8 + text.length) % 8 !== 0) text += ' ';
    const out = new Uint8Array(8 + text.length + at);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(new TextEncoder().encode(text), 8);
    const data = new Float32Array(Object.values(tensors).flat());
    out.set(new Uint8Array(data.buffer), 8 + text.length);
    return out;
  }

  it('opens part files plus hyper_param.safetensors, whose tensors the map does not name', async () => {
    const files: Record<string, Uint8Array> = {
      'part0.safetensors': safetensors({ 'layer.weight': [1, 2, 3, 4] }),
      'part1.safetensors': safetensors({ 'layer.bias': [5, 6] }),
      'hyper_param.safetensors': safetensors({ global_step: [42] }),
    };
    const nameMap = {
      metadata: { total_size: 24 },
      weight_map: { 'layer.weight': 'part0.safetensors', 'layer.bias': 'part1.safetensors' },
    };
    const opened = await openShardedCheckpoint({
      indexName: 'param_name_map.json',
      indexSource: json(nameMap),
      shard: async (file) => (files[file] ? new MemorySource(files[file]) : null),
    });
    expect(opened.index.problems).toEqual([]);
    expect(opened.index.sharded?.kind).toBe('mindspore-unified');
    expect(opened.index.tensors.map((t) => [t.name, t.shard])).toEqual([
      ['layer.weight', 'part0.safetensors'],
      ['layer.bias', 'part1.safetensors'],
      ['global_step', 'hyper_param.safetensors'],
    ]);
    const step = opened.index.tensors[2]!;
    const bytes = await opened.plaintext.read(step.ranges[0]!.offset, 4);
    expect(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 4))[0]).toBe(42);
    expect(opened.index.metadata.format).toBe('ms');
  });
});

describe('hostile index JSON', () => {
  it('path traversal: refuses a weight_map that names a file outside the folder', async () => {
    for (const shard of ['../../etc/passwd', '/etc/passwd', 'sub\\..\\x', 'C:secret']) {
      const index = json({ weight_map: { 'a.weight': shard } });
      const error = await errorOf(openShardedCheckpoint(fixtureSet({ index })));
      expect(error.code, shard).toBe('shard-index-bad-file-name');
    }
  });

  it('oversized index: refuses it from its size, before reading a byte', async () => {
    const huge = new CountingSource({
      size: MAX_SHARD_INDEX_BYTES + 1,
      read: () => Promise.reject(new Error('must not be read')),
    });
    const error = await errorOf(openShardedCheckpoint(fixtureSet({ index: huge })));
    expect(error.code).toBe('shard-index-too-large');
    expect(huge.reads).toBe(0);
  });

  it('malformed index: not JSON, not UTF-8, no weight_map, a non-string shard, a bad total_size', async () => {
    const cases: [ByteSource, string][] = [
      [new MemorySource(new TextEncoder().encode('{"weight_map": ')), 'does not parse'],
      [new MemorySource(new Uint8Array([0x7b, 0xff, 0x7d])), 'UTF-8'],
      [json(['a']), 'not a JSON object'],
      [json({ weight_map: ['a'] }), '"weight_map"'],
      [json({ weight_map: {} }), 'names no tensors'],
      [json({ weight_map: { a: 3 } }), 'not a string'],
      [json({ metadata: { total_size: -1 }, weight_map: { a: SHARD1 } }), 'total_size'],
      [json({ metadata: { total_size: 1e300 }, weight_map: { a: SHARD1 } }), 'total_size'],
    ];
    for (const [index, hint] of cases) {
      const error = await errorOf(openShardedCheckpoint(fixtureSet({ index })));
      expect(error.code).toBe('shard-index-bad-json');
      expect(error.details.hint, hint).toContain(hint);
    }
  });
});
