import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/random';
import { MAX_VIEW_RANGES, MAX_VIEW_SPAN_BYTES } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import { compareCheckpoints } from '../../core/compare/compare';
import { buildExport, exportBlob, planExport, verifyExport } from '../../core/export';
import { describeStatsSkip, describeTensorPlacement, describeTensorProblem } from '../../core/messages';
import { openCheckpoint, type OpenedCheckpoint } from '../../core/open';
import { openShardedCheckpoint } from '../../core/sharded/open';
import { combineCheckpoints } from '../../core/distributed/combine';
import { readTensor } from '../../core/distributed/merge';
import { openReslicedView } from '../../core/distributed/reslice';
import { caseStrategy } from '../../test/distributed';
import { computeHeatMap } from '../../core/stats/heatmap';
import { readFirstValues, readTensorSlice } from '../../core/stats/slice';
import { computeAllStats } from '../../core/stats/tensor-stats';
import { MemorySource, type ByteSource } from '../../io/byte-source';
import { runCli } from '../../test/cli';
import { torchZipBytes, torchZipSource, type TorchStorage, type TorchTensor } from '../../test/torch-zip';
import { readParts } from '../parts';
import { gatherElements, simplifyLayout } from './gather';
import { scanPytorch } from './scan';

const ITEMSIZE: Record<string, number> = { float32: 4, float64: 8, float16: 2, int64: 8, uint8: 1 };
const MINDSPORE: Record<string, string> = {
  float32: 'Float32',
  float64: 'Float64',
  float16: 'Float16',
  int64: 'Int64',
  uint8: 'UInt8',
};

/** `numel` elements of a dtype with finite, varied values, as little-endian bytes. */
function storageBytes(dtype: string, numel: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  switch (dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from({ length: numel }, () => next() * 200 - 100).buffer);
    case 'float64':
      return new Uint8Array(Float64Array.from({ length: numel }, () => next() * 2e6 - 1e6).buffer);
    case 'float16':
      // Finite halves: exponent bits below 31.
      return new Uint8Array(
        Uint16Array.from({ length: numel }, () => Math.floor(next() * 0x7bff) | (next() < 0.5 ? 0x8000 : 0)).buffer,
      );
    case 'int64':
      return new Uint8Array(
        BigInt64Array.from({ length: numel }, () => BigInt(Math.floor(next() * 2 ** 52) - 2 ** 51)).buffer,
      );
    default:
      return Uint8Array.from({ length: numel }, () => Math.floor(next() * 256));
  }
}

/**
 * The C-contiguous bytes of a view, computed the plain way: for each flat index in C order, its
 * multi-index, its storage element, that element's bytes.
 */
function contiguousBytes(
  storage: Uint8Array,
  itemsize: number,
  view: { offset: number; shape: number[]; strides: number[] },
): Uint8Array {
  const numel = view.shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(numel * itemsize);
  for (let flat = 0; flat < numel; flat += 1) {
    let rest = flat;
    let element = view.offset;
    for (let d = view.shape.length - 1; d >= 0; d -= 1) {
      const size = view.shape[d] as number;
      element += (rest % size) * (view.strides[d] as number);
      rest = Math.floor(rest / size);
    }
    out.set(storage.subarray(element * itemsize, (element + 1) * itemsize), flat * itemsize);
  }
  return out;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Case {
  tensor: TorchTensor;
  dtype: string;
  /** Whether the view needs more runs than are listed (so it is gathered). */
  gathered: boolean;
}

const STORAGES: TorchStorage[] = (
  [
    { key: '0', dtype: 'float32', numel: 120_000 },
    { key: '1', dtype: 'int64', numel: 75_000 },
    { key: '2', dtype: 'float16', numel: 90_000 },
    { key: '3', dtype: 'uint8', numel: 7 },
    { key: '4', dtype: 'float64', numel: 48 },
  ] as const
).map((storage, i) => ({ ...storage, bytes: storageBytes(storage.dtype, storage.numel, 17 + i) }));

const CASES: Case[] = [
  // w.t() of a [300, 300] float32 matrix: 90,000 runs of one element.
  {
    dtype: 'float32',
    gathered: true,
    tensor: { name: 'transposed', storage: '0', offset: 0, shape: [300, 300], strides: [1, 300] },
  },
  // x.expand(70000, 3) of a row of three at storage offset 5: 70,000 runs of the same 12 bytes.
  {
    dtype: 'float32',
    gathered: true,
    tensor: { name: 'expanded', storage: '0', offset: 5, shape: [70_000, 3], strides: [0, 1] },
  },
  // A scalar broadcast to [400, 300] (stride 0 everywhere).
  {
    dtype: 'float32',
    gathered: true,
    tensor: { name: 'broadcast', storage: '0', offset: 119_999, shape: [400, 300], strides: [0, 0] },
  },
  // A [40, 50, 60] tensor permuted (2, 0, 1).
  {
    dtype: 'float32',
    gathered: true,
    tensor: { name: 'permuted', storage: '0', offset: 0, shape: [60, 40, 50], strides: [1, 3000, 60] },
  },
  // A transposed slice at a storage offset: w[:, :290].t()-like, starting 1,000 elements in.
  {
    dtype: 'float32',
    gathered: true,
    tensor: { name: 'offset_view', storage: '0', offset: 1000, shape: [300, 290], strides: [1, 300] },
  },
  {
    dtype: 'int64',
    gathered: true,
    tensor: { name: 'int64_t', storage: '1', offset: 0, shape: [250, 300], strides: [1, 250] },
  },
  {
    dtype: 'float16',
    gathered: true,
    tensor: { name: 'half_t', storage: '2', offset: 0, shape: [300, 300], strides: [1, 300] },
  },
  {
    dtype: 'uint8',
    gathered: true,
    tensor: { name: 'bytes_expanded', storage: '3', offset: 2, shape: [100_000], strides: [0] },
  },
  // Below the run limit: listed run by run, as before.
  {
    dtype: 'float64',
    gathered: false,
    tensor: { name: 'small_t', storage: '4', offset: 0, shape: [8, 6], strides: [1, 8] },
  },
  {
    dtype: 'float32',
    gathered: false,
    tensor: { name: 'whole', storage: '0', offset: 0, shape: [400, 300], strides: [300, 1] },
  },
];

const storageOf = (key: string): TorchStorage => STORAGES.find((storage) => storage.key === key) as TorchStorage;
const EXPECTED = new Map(
  CASES.map(({ tensor, dtype }) => [
    tensor.name,
    contiguousBytes(storageOf(tensor.storage).bytes as Uint8Array, ITEMSIZE[dtype] as number, tensor),
  ]),
);

const VIEWS_FILE = torchZipBytes(
  CASES.map((c) => c.tensor),
  STORAGES,
);

/** The same tensors, each saved contiguous in a storage of its own (what torch.save(t.contiguous()) writes). */
function contiguousTwin(change?: { name: string; byte: number }): Uint8Array {
  const storages: TorchStorage[] = CASES.map(({ tensor, dtype }, i) => {
    const bytes = (EXPECTED.get(tensor.name) as Uint8Array).slice();
    if (change?.name === tensor.name) bytes[change.byte] = ((bytes[change.byte] as number) + 1) % 256;
    return {
      key: String(i),
      dtype: dtype as TorchStorage['dtype'],
      numel: bytes.length / (ITEMSIZE[dtype] as number),
      bytes,
    };
  });
  const tensors = CASES.map(({ tensor }, i): TorchTensor => {
    const strides = tensor.shape.map((_, d) => tensor.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    return { name: tensor.name, storage: String(i), offset: 0, shape: tensor.shape, strides };
  });
  return torchZipBytes(tensors, storages);
}

const open = (bytes: Uint8Array): Promise<OpenedCheckpoint> => openCheckpoint(new MemorySource(bytes));

/** A written file's tensor values: its ranges read in order (a .ckpt or .safetensors keeps values in C order). */
async function writtenValues(source: ByteSource, entry: TensorEntry): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readParts(entry.ranges.map((range) => ({ kind: 'copy' as const, source, ...range }))))
    chunks.push(chunk.slice());
  return new Uint8Array(Buffer.concat(chunks));
}

async function checkWritten(bytes: Uint8Array, label: string): Promise<void> {
  const written = await open(bytes);
  for (const { tensor, dtype } of CASES) {
    const entry = written.index.tensors.find((t) => t.name === tensor.name) as TensorEntry;
    expect(entry, `${label}: ${tensor.name}`).toBeDefined();
    expect(entry.dtype, `${label}: ${tensor.name}`).toBe(MINDSPORE[dtype]);
    expect(entry.shape, `${label}: ${tensor.name}`).toEqual(tensor.shape);
    expect(sha256(await writtenValues(written.plaintext, entry)), `${label}: ${tensor.name}`).toBe(
      sha256(EXPECTED.get(tensor.name) as Uint8Array),
    );
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-gather-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('gatherElements: a strided copy in C order', () => {
  it('equals the plain per-element copy for random layouts, element sizes, windows and misaligned buffers', () => {
    const next = seededRandom(5);
    for (let trial = 0; trial < 300; trial += 1) {
      const itemsize = [1, 2, 4, 8, 16][Math.floor(next() * 5)] as number;
      const rank = 1 + Math.floor(next() * 4);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(next() * 6));
      const strides = Array.from({ length: rank }, () => (next() < 0.2 ? 0 : Math.floor(next() * 40)));
      // Sometimes contiguous inner dims, which are copied as whole runs.
      if (next() < 0.3) strides[rank - 1] = 1;
      const offset = Math.floor(next() * 5);
      const last = offset + shape.reduce((sum, size, d) => sum + (size - 1) * (strides[d] as number), 0);
      const storage = Uint8Array.from({ length: (last + 1) * itemsize }, () => Math.floor(next() * 256));
      const expected = contiguousBytes(storage, itemsize, { offset, shape, strides });
      const numel = shape.reduce((a, b) => a * b, 1);
      const first = Math.floor(next() * numel);
      const count = Math.floor(next() * (numel - first + 1));
      // The span starts at the view's first element; a shifted copy makes it misaligned.
      const shift = Math.floor(next() * 3);
      const span = new Uint8Array(storage.length - offset * itemsize + shift).subarray(shift);
      span.set(storage.subarray(offset * itemsize));
      const out = new Uint8Array(count * itemsize);
      gatherElements(span, simplifyLayout({ shape, strides, itemsize }), first, count, out);
      expect(out, JSON.stringify({ shape, strides, itemsize, first, count })).toEqual(
        expected.subarray(first * itemsize, (first + count) * itemsize),
      );
    }
  });
});

describe('PyTorch views that need more runs than are listed', () => {
  it('are indexed with their storage span and marked gathered; smaller views keep their run list', async () => {
    const index = await scanPytorch(new MemorySource(VIEWS_FILE));
    for (const { tensor, dtype, gathered } of CASES) {
      const entry = index.tensors.find((t) => t.name === tensor.name) as TensorEntry;
      const itemsize = ITEMSIZE[dtype] as number;
      expect(entry.problems, tensor.name).toBeUndefined();
      expect(entry.bytes, tensor.name).toBe(tensor.shape.reduce((a, b) => a * b, 1) * itemsize);
      expect(entry.view?.gathered, tensor.name).toBe(gathered ? true : undefined);
      if (!gathered) continue;
      const last =
        tensor.offset + tensor.shape.reduce((sum, size, d) => sum + (size - 1) * (tensor.strides[d] as number), 0);
      expect(entry.ranges, tensor.name).toHaveLength(1);
      expect(entry.ranges[0]?.length, tensor.name).toBe((last - tensor.offset + 1) * itemsize);
    }
    const smallT = index.tensors.find((t) => t.name === 'small_t') as TensorEntry;
    expect(smallT.ranges).toHaveLength(48);
    expect(describeTensorPlacement(smallT)).toMatch(/^384 in 48 ranges from byte \d/);
    const transposed = index.tensors.find((t) => t.name === 'transposed') as TensorEntry;
    expect(describeTensorPlacement(transposed)).toBe(
      `360,000, gathered in C order from the 360,000 bytes of storage from byte ${transposed.ranges[0]?.offset.toLocaleString('en-US')} (a view of more than 65,536 runs)`,
    );
  });

  it('export to .safetensors and .ckpt writes their C-contiguous values', async () => {
    const opened = await open(VIEWS_FILE);
    for (const format of ['safetensors', 'ckpt'] as const) {
      const plan = planExport(opened.index, { format });
      expect(plan.omitted, format).toEqual([]);
      const blob = await exportBlob(await buildExport(opened, plan, { windowBytes: 100_003 }));
      await checkWritten(new Uint8Array(await blob.arrayBuffer()), format);
    }
  });

  it('a cast export converts their C-order values, and verifying the export against them passes', async () => {
    const views = await open(VIEWS_FILE);
    const twin = await open(contiguousTwin());
    const written = async (opened: OpenedCheckpoint): Promise<{ bytes: Uint8Array; report: unknown }> => {
      const plan = planExport(opened.index, {
        format: 'ckpt',
        casts: [{ from: 'Float32', to: 'BFloat16' }],
        crc: true,
      });
      const job = await buildExport(opened, plan, { windowBytes: 32_768 });
      const bytes = new Uint8Array(await (await exportBlob(job)).arrayBuffer());
      const report = await verifyExport(await open(bytes), job);
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
      return { bytes, report: job.castReport() };
    };
    const [got, want] = [await written(views), await written(twin)];
    // The same file as the contiguous tensors give, byte for byte, and the same cast report.
    expect(sha256(got.bytes)).toBe(sha256(want.bytes));
    expect(got.report).toEqual(want.report);
    expect(got.report).toHaveLength(6);
  });

  it('ckpt-lens convert writes their C-contiguous values (.safetensors and .ckpt)', async () => {
    const input = path.join(work, 'views.pt');
    writeFileSync(input, VIEWS_FILE);
    for (const extension of ['safetensors', 'ckpt']) {
      const output = path.join(work, `views.${extension}`);
      const result = await runCli('convert', input, output);
      expect(result.code, result.err.join('\n')).toBe(0);
      await checkWritten(new Uint8Array(readFileSync(output)), `convert → .${extension}`);
    }
  });

  it('read the span once per pass: an export reads no storage byte twice', async () => {
    const bytes = torchZipBytes([CASES[0]?.tensor as TorchTensor], [storageOf('0')]);
    const inner = new MemorySource(bytes);
    let read = 0;
    const counting: ByteSource = {
      size: inner.size,
      read: async (offset, length, signal) => {
        const got = await inner.read(offset, length, signal);
        read += got.length;
        return got;
      },
    };
    const opened = await openCheckpoint(counting);
    const entry = opened.index.tensors[0] as TensorEntry;
    const span = entry.ranges[0]?.length as number;
    read = 0;
    const job = await buildExport(opened, planExport(opened.index, { format: 'safetensors' }), { windowBytes: 65_536 });
    await exportBlob(job);
    // The span (the storage's 90,000 floats) plus the local header checked on its first read.
    expect(read).toBeGreaterThanOrEqual(span);
    expect(read).toBeLessThan(span + 4096);
  });

  it('stats, slices, previews and heat maps equal those of the same tensors saved contiguous', async () => {
    const views = await open(VIEWS_FILE);
    const twin = await open(contiguousTwin());
    const statsOf = async (opened: OpenedCheckpoint) =>
      computeAllStats(opened.plaintext, opened.index, { windowBytes: 65_531 });
    const [got, want] = [await statsOf(views), await statsOf(twin)];
    expect(got.skipped).toEqual([]);
    expect(got.tensors).toEqual(want.tensors);
    expect(got.measured).toBe(CASES.length);
    const entryOf = (opened: OpenedCheckpoint, name: string) =>
      opened.index.tensors.find((t) => t.name === name) as TensorEntry;
    for (const [name, expression] of [
      ['transposed', '5:9, 290:'],
      ['permuted', '-1, ::7, 3'],
      ['int64_t', ':, 0'],
      ['bytes_expanded', '99990:'],
    ] as const) {
      expect(await readTensorSlice(views.plaintext, entryOf(views, name), expression), name).toEqual(
        await readTensorSlice(twin.plaintext, entryOf(twin, name), expression),
      );
      expect(await readFirstValues(views.plaintext, entryOf(views, name), 1000, { windowBytes: 7 }), name).toEqual(
        await readFirstValues(twin.plaintext, entryOf(twin, name), 1000),
      );
    }
    expect(await computeHeatMap(views.plaintext, entryOf(views, 'permuted'), [7])).toEqual(
      await computeHeatMap(twin.plaintext, entryOf(twin, 'permuted'), [7]),
    );
  });

  it('compare reads their values: identical to the contiguous twin, and one changed byte is found', async () => {
    const views = await open(VIEWS_FILE);
    const same = await compareCheckpoints(views, await open(contiguousTwin()), { windowBytes: 40_000 });
    expect(same.pairs.map((pair) => [pair.name, pair.status])).toEqual(
      CASES.map(({ tensor }) => [tensor.name, 'identical']),
    );
    const changed = await compareCheckpoints(
      views,
      await open(contiguousTwin({ name: 'permuted', byte: 4 * 77_777 + 3 })),
    );
    const pair = changed.pairs.find((p) => p.name === 'permuted');
    expect(pair).toMatchObject({ status: 'changed', changedElements: 1, elements: 120_000 });
    expect(changed.pairs.filter((p) => p.status === 'identical')).toHaveLength(CASES.length - 1);
  });

  it('a sharded .bin set gathers a view from its own shard', async () => {
    const first = torchZipBytes([CASES[9]?.tensor as TorchTensor], [storageOf('0')]);
    const second = torchZipBytes(
      [CASES[3]?.tensor as TorchTensor, CASES[5]?.tensor as TorchTensor],
      [storageOf('0'), storageOf('1')],
    );
    const files: Record<string, Uint8Array> = {
      'pytorch_model-00001-of-00002.bin': first,
      'pytorch_model-00002-of-00002.bin': second,
    };
    const index = {
      metadata: {},
      weight_map: {
        whole: 'pytorch_model-00001-of-00002.bin',
        permuted: 'pytorch_model-00002-of-00002.bin',
        int64_t: 'pytorch_model-00002-of-00002.bin',
      },
    };
    const opened = await openShardedCheckpoint({
      indexName: 'pytorch_model.bin.index.json',
      indexSource: new MemorySource(new TextEncoder().encode(JSON.stringify(index))),
      shard: async (name) => (files[name] ? new MemorySource(files[name]) : null),
    });
    const blob = await exportBlob(await buildExport(opened, planExport(opened.index, { format: 'safetensors' })));
    const written = await open(new Uint8Array(await blob.arrayBuffer()));
    for (const name of ['whole', 'permuted', 'int64_t']) {
      const entry = written.index.tensors.find((t) => t.name === name) as TensorEntry;
      expect(sha256(await writtenValues(written.plaintext, entry)), name).toBe(
        sha256(EXPECTED.get(name) as Uint8Array),
      );
    }
    const stats = await computeAllStats(opened.plaintext, opened.index);
    expect(stats.skipped).toEqual([]);
    expect(stats.tensors.find((t) => t.name === 'permuted')?.elements).toBe(120_000);
  });
});

describe('gathered views in distributed tools', () => {
  it('a combined set and a re-sliced copy of a .pt read their C-order values through the copy engine', async () => {
    const full = await open(VIEWS_FILE);
    const combined = combineCheckpoints([{ name: 'views.pt', opened: full }]);
    const resliced = openReslicedView(full, await caseStrategy('case1_tp_dp', 'strategy.ckpt'), 0);
    for (const view of [combined, resliced]) {
      for (const name of ['transposed', 'permuted', 'bytes_expanded', 'small_t']) {
        const entry = view.index.tensors.find((t) => t.name === name) as TensorEntry;
        // What they list is values in C order: no span, no gathered mark.
        expect(entry.view?.gathered, name).toBeUndefined();
        expect(sha256(await readTensor(view, name)), name).toBe(sha256(EXPECTED.get(name) as Uint8Array));
      }
    }
  });
});

describe('a view too large to gather', () => {
  // A transposed [16400, 16400] float32: its storage span is 1,075,840,000 bytes, above 1 GiB. The
  // storage reads as zeros and is never in memory.
  const side = 16_400;
  const huge: TorchTensor = { name: 'huge_t', storage: '0', offset: 0, shape: [side, side], strides: [1, side] };
  // A stride-0 broadcast of one float to [2^20, 2^20]: 4 TiB of values from 4 bytes.
  const endless: TorchTensor = { name: 'endless', storage: '1', offset: 0, shape: [2 ** 20, 2 ** 20], strides: [0, 0] };
  const small: TorchTensor = { name: 'transposed', storage: '2', offset: 0, shape: [300, 300], strides: [1, 300] };
  const source = (): ByteSource =>
    torchZipSource(
      [huge, endless, small],
      [
        { key: '0', dtype: 'float32', numel: side * side },
        { key: '1', dtype: 'float32', numel: 1, bytes: new Uint8Array(Float32Array.of(2.5).buffer) },
        { ...storageOf('0'), key: '2' },
      ],
    );

  it('is listed with the problem sentence, refused before any of it is read', async () => {
    const inner = source();
    let read = 0;
    const counting: ByteSource = {
      size: inner.size,
      read: async (offset, length, signal) => {
        const got = await inner.read(offset, length, signal);
        read += got.length;
        return got;
      },
    };
    const index = await scanPytorch(counting);
    expect(inner.size).toBeGreaterThan(MAX_VIEW_SPAN_BYTES);
    expect(read).toBeLessThan(1024 * 1024);
    const [entry, broadcast, fine] = index.tensors as [TensorEntry, TensorEntry, TensorEntry];
    expect(entry).toMatchObject({ name: 'huge_t', ranges: [], bytes: side * side * 4 });
    expect(entry.view?.gathered).toBeUndefined();
    expect(entry.problems).toEqual([
      {
        code: 'view-too-fragmented',
        detail: `${(side * side).toLocaleString('en-US')} runs over 1,075,840,000 bytes of storage "0"`,
      },
    ]);
    const sentence = describeTensorProblem('view-too-fragmented', entry.problems?.[0]?.detail);
    expect(sentence).toContain('1,075,840,000 bytes of storage');
    expect(sentence).toContain(`more than ${MAX_VIEW_RANGES.toLocaleString('en-US')} separate runs`);
    expect(sentence).toContain('at most 1 GiB');
    expect(sentence).toContain('torch.save(t.contiguous())');
    expect(broadcast.problems).toEqual([
      {
        code: 'view-too-fragmented',
        detail: `${(2 ** 40).toLocaleString('en-US')} runs making ${(2 ** 42).toLocaleString('en-US')} bytes of values`,
      },
    ]);
    expect(fine.view?.gathered).toBe(true);
  });

  it('is left out of an export, skipped by stats and not comparable, saying so; the others are read', async () => {
    const opened = await openCheckpoint(source());
    const plan = planExport(opened.index, { format: 'safetensors' });
    expect(plan.omitted).toEqual([
      { name: 'huge_t', reason: 'view-too-fragmented' },
      { name: 'endless', reason: 'view-too-fragmented' },
    ]);
    const blob = await exportBlob(await buildExport(opened, plan));
    const written = await open(new Uint8Array(await blob.arrayBuffer()));
    expect(written.index.tensors.map((t) => t.name)).toEqual(['transposed']);
    expect(sha256(await writtenValues(written.plaintext, written.index.tensors[0] as TensorEntry))).toBe(
      sha256(EXPECTED.get('transposed') as Uint8Array),
    );
    const stats = await computeAllStats(opened.plaintext, opened.index);
    expect(stats.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['huge_t', 'view-too-fragmented'],
      ['endless', 'view-too-fragmented'],
    ]);
    expect(describeStatsSkip('view-too-fragmented')).toContain('1 GiB');
    const compared = await compareCheckpoints(opened, await openCheckpoint(source()));
    expect(compared.pairs.map((p) => [p.name, p.status, p.reason])).toEqual([
      ['huge_t', 'incomparable', 'view-unreadable'],
      ['endless', 'incomparable', 'view-unreadable'],
      ['transposed', 'identical', undefined],
    ]);
  });

  it('a reader of its values says why they are not read: previews, heat maps and ckpt-lens stats', async () => {
    const opened = await openCheckpoint(source());
    const [entry, broadcast] = opened.index.tensors as [TensorEntry, TensorEntry];
    await expect(readFirstValues(opened.plaintext, entry, 10)).rejects.toMatchObject({
      code: 'tensor-view-unreadable',
      details: { tensor: 'huge_t', expected: 'view-too-fragmented' },
    });
    await expect(computeHeatMap(opened.plaintext, broadcast, [])).rejects.toMatchObject({
      code: 'tensor-view-unreadable',
    });
    // The broadcast's file is small: the CLI reads it from disk.
    const file = path.join(work, 'endless.pt');
    writeFileSync(
      file,
      torchZipBytes(
        [endless, small],
        [
          { key: '1', dtype: 'float32', numel: 1, bytes: new Uint8Array(Float32Array.of(2.5).buffer) },
          { ...storageOf('0'), key: '2' },
        ],
      ),
    );
    const one = await runCli('stats', file, '--tensor', 'endless');
    expect(one.code).toBe(1);
    expect(one.err.join('\n')).toContain('too large to gather');
    expect(one.err.join('\n')).toContain('torch.save(t.contiguous())');
    const head = await runCli('stats', file, '--tensor', 'endless', '--head', '3');
    expect(head.code).toBe(1);
    expect(head.err.join('\n')).toContain('The values of this PyTorch view are not read');
    const all = await runCli('stats', file, '--json');
    expect(all.code, all.err.join('\n')).toBe(0);
    expect(all.out.join('\n')).toContain('view-too-fragmented');
    const values = await runCli('stats', file, '--tensor', 'transposed', '--slice', '[1, :3]', '--json');
    expect(values.code, values.err.join('\n')).toBe(0);
    const expected = new Float32Array((EXPECTED.get('transposed') as Uint8Array).slice().buffer).subarray(300, 303);
    // Printed as the shortest decimal that reads back as the same float32.
    const printed = (JSON.parse(values.out.join('\n')) as { values: number[] }).values;
    expect(printed.map((value) => Math.fround(value))).toEqual(Array.from(expected));
  });
});
