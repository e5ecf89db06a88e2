import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffAgainstNetwork } from '../core/load-rules/diff';
import { parameterDict } from '../core/load-rules/dict-order';
import { manifestFromCheckpoint } from '../core/load-rules/open-manifest';
import { compareCheckpoints } from '../core/compare/compare';
import { buildExport, exportBlob } from '../core/export/output';
import { planExport, type ExportOptions } from '../core/export/plan';
import { openCheckpoint, type OpenedCheckpoint } from '../core/open';
import { LensError } from './errors';
import { fileVerdict, summarize } from '../core/summary';
import { encryptBytes } from '../crypto/encrypt';
import { MemorySource, type ByteSource } from '../io/byte-source';
import { checkpointBytes, type RecordSpec } from '../test/ckpt-records';
import { fixtureSource, realManifest } from '../test/fixtures';
import { expectRowsMatch } from '../test/rows';
import { factsOf, TensorColumns, tensorRowsOf, toColumnar } from './tensor-columns';
import type { CheckpointIndex } from './types';

/**
 * A scan that holds its tensors as columns (`columns: true`, the page's and `inspect`'s way) must
 * find exactly what the same scan holding entries finds: the same facts, the same tensors read by
 * position, and the same entries once `index.tensors` is read.
 */
async function expectSameIndex(open: () => Promise<ByteSource>, key?: Uint8Array): Promise<CheckpointIndex> {
  const withKey = key ? { key } : {};
  const openedEntries = await openCheckpoint(await open(), withKey);
  const openedColumns = await openCheckpoint(await open(), { ...withKey, columns: true });
  const entries = openedEntries.index;
  const columnar = openedColumns.index;
  expect(factsOf(columnar)).toEqual(factsOf(entries));

  // What the worker and inspect do with an index reads its columns, never making the entries.
  const rows = tensorRowsOf(columnar);
  expect(rows).toBeInstanceOf(TensorColumns);
  expect(summarize(columnar)).toEqual(summarize(entries));
  expect(fileVerdict(columnar)).toEqual(fileVerdict(entries));
  expect(toColumnar(columnar).tensors.entries()).toEqual(entries.tensors);
  expect(tensorRowsOf(columnar)).toBe(rows);
  expectRowsMatch(rows, entries.tensors);

  // The load diff, and the file as another's manifest, read the columns by position too.
  const manifest = manifestFromCheckpoint(columnar);
  expect(manifest).toEqual(manifestFromCheckpoint(entries));
  const all = entries.tensors.map((_, i) => i);
  // Every other parameter with another shape: the errors and the suggestions read the dict too.
  const reshaped = manifest.params.map((param, i) => (i % 2 ? { ...param, shape: [7, 3] } : param));
  for (const network of [manifest.params, reshaped]) {
    expect(diffAgainstNetwork(parameterDict(rows, columnar.format, all), network)).toEqual(
      diffAgainstNetwork(parameterDict(entries.tensors, entries.format, all), network),
    );
  }
  expect(tensorRowsOf(columnar)).toBe(rows);

  // A comparison pairs by position: the same result, with a filter too.
  for (const include of [undefined, everyOther]) {
    const options = include ? { include } : {};
    expect(await compareCheckpoints(openedColumns, openedColumns, options)).toEqual(
      await compareCheckpoints(openedEntries, openedEntries, options),
    );
  }

  // An export plans and writes by position too: the same plan, the same bytes (or the same refusal).
  for (const options of [
    { format: 'ckpt' },
    { format: 'safetensors' },
    { format: 'ckpt', select: everyOther },
  ] as const) {
    const viaColumns = await exported(openedColumns, options);
    expect(viaColumns).toEqual(await exported(openedEntries, options));
  }
  expect(tensorRowsOf(columnar)).toBe(rows);

  // Read as an array, the columns become entries equal to the scan's own, and are let go.
  expect(columnar.tensors).toEqual(entries.tensors);
  expect(tensorRowsOf(columnar)).not.toBeInstanceOf(TensorColumns);
  expect(columnar.tensors).toBe(columnar.tensors);
  return columnar;
}

/** Keeps every other tensor (the predicate an export's filter compiles to). */
function everyOther(entry: { name: string }): boolean {
  return entry.name.length % 2 === 0;
}

/** An export's plan and bytes, or the code it was refused with. */
async function exported(opened: OpenedCheckpoint, options: ExportOptions): Promise<unknown> {
  try {
    const plan = planExport(opened.index, options);
    const bytes = new Uint8Array(await (await exportBlob(await buildExport(opened, plan))).arrayBuffer());
    // A digest: comparing megabytes element by element is slow.
    return { plan, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (error instanceof LensError) return error.code;
    throw error;
  }
}

function safetensorsBytes(header: Record<string, unknown> | string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  for (let i = 8 + json.length; i < out.length; i += 1) out[i] = (i * 37) & 0xff;
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('a scan held as columns', () => {
  it.each(
    realManifest()
      .map((file) => file.file)
      .filter((file) => /\.(ckpt|safetensors)$/.test(file)),
  )('finds what the entry scan finds in real %s', async (file) => {
    let opens = true;
    try {
      await openCheckpoint(await fixtureSource('real', file));
    } catch {
      opens = false; // files the scanners refuse are covered by their own tests
    }
    if (opens) await expectSameIndex(() => fixtureSource('real', file));
  });

  it('keeps a repeated .ckpt tag at its first place with its last value, as the entry scan does', async () => {
    const records: RecordSpec[] = [
      ['a', [2], 'Float32', f32([1, 2])],
      ['step', [], 'Int32', new Uint8Array([7, 0, 0, 0])],
      ['b', [1], 'Float32', f32([3])],
      ['a', [3], 'Float32', f32([4, 5, 6])],
    ];
    const index = await expectSameIndex(async () => new MemorySource(checkpointBytes(records)));
    expect(index.tensors.map((t) => t.name)).toEqual(['a', 'step', 'b']);
    expect(index.tensors[0]?.shape).toEqual([3]);
    expect(index.tensors[0]?.problems).toEqual([{ code: 'duplicate-name' }]);
    expect(index.metadata).toEqual({ step: 7 });
  });

  it('finds the same overlaps, gaps, values and problems in a crafted safetensors file', async () => {
    const bytes = safetensorsBytes(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        overlapping: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        one: { dtype: 'I64', shape: [], data_offsets: [12, 20] },
        wrong_size: { dtype: 'F32', shape: [3], data_offsets: [20, 24] },
        empty: { dtype: 'F32', shape: [0], data_offsets: [24, 24] },
        out_of_order: { dtype: 'U8', shape: [1], data_offsets: [8, 9] },
      },
      40,
    );
    const index = await expectSameIndex(async () => new MemorySource(bytes));
    expect(index.problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['safetensors-overlap', 'safetensors-gap', 'safetensors-trailing-bytes']),
    );
    expect(index.tensors.find((t) => t.name === 'overlapping')?.problems).toEqual([{ code: 'overlaps-previous' }]);
    expect(index.tensors.find((t) => t.name === 'one')?.value).toBeDefined();
  });

  it('finds the same repeated safetensors names: first place, last entry, one file problem', async () => {
    const entry = (begin: number) => `{"dtype":"F32","shape":[1],"data_offsets":[${begin},${begin + 4}]}`;
    const bytes = safetensorsBytes(`{"a":${entry(0)},"b":${entry(4)},"a":${entry(8)},"c":${entry(12)}}`, 16);
    const index = await expectSameIndex(async () => new MemorySource(bytes));
    expect(index.tensors.map((t) => [t.name, t.ranges[0]?.offset])).toEqual([
      ['a', index.tensors[0]!.ranges[0]!.offset],
      ['b', index.tensors[0]!.ranges[0]!.offset - 4],
      ['c', index.tensors[0]!.ranges[0]!.offset + 4],
    ]);
    expect(index.problems.map((p) => p.code)).toContain('safetensors-duplicate-key');
  });

  it('is the same behind AES-GCM encryption', async () => {
    const key = new Uint8Array(16).map((_, i) => i + 1);
    const plain = checkpointBytes([
      ['x', [4], 'Float32', f32([1, 2, 3, 4])],
      ['global_step', [], 'Int32', new Uint8Array([9, 0, 0, 0])],
    ]);
    const encrypted = await encryptBytes(plain, { key, mode: 'AES-GCM', blockBytes: 16 });
    const index = await expectSameIndex(async () => new MemorySource(encrypted), key);
    expect(index.encryption?.mode).toBe('AES-GCM');
  });
});
