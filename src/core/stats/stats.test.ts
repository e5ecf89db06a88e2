import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { CountingSource, MemorySource } from '../../io/byte-source';
import { fixtureSource, fixtureBytes } from '../../test/fixtures';
import { openCheckpoint } from '../open';
import { disableStats32Kernel } from './stats-kernel';
import { auditNonFinite, computeAllStats, computeTensorStats, type TensorStats } from './tensor-stats';
import { bytesOf, openRecords, type RecordSpec } from '../../test/ckpt-records';

/** Independent reference: decode with DataView, then plain float64 two-pass statistics. */
interface Reference {
  elements: number;
  finite: number;
  nan: number;
  posInf: number;
  negInf: number;
  zeros: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  l2: number;
  values: number[];
}

function reference(values: number[]): Reference {
  const finite = values.filter((v) => Number.isFinite(v));
  const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
  const variance = finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length;
  return {
    elements: values.length,
    finite: finite.length,
    nan: values.filter((v) => Number.isNaN(v)).length,
    posInf: values.filter((v) => v === Infinity).length,
    negInf: values.filter((v) => v === -Infinity).length,
    zeros: values.filter((v) => v === 0).length,
    min: Math.min(...finite),
    max: Math.max(...finite),
    mean,
    std: Math.sqrt(variance),
    l2: Math.sqrt(finite.reduce((s, v) => s + v * v, 0)),
    values: finite,
  };
}

/** Histogram by the documented rule, written out here independently. */
function referenceHistogram(values: number[], bins: number): number[] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) * (bins / (hi - lo)))));
    counts[index] = (counts[index] as number) + 1;
  }
  return counts;
}

function expectMatches(stats: TensorStats, ref: Reference, bins = 64): void {
  expect(stats.elements).toBe(ref.elements);
  expect(stats.finite).toBe(ref.finite);
  expect(stats.nan).toBe(ref.nan);
  expect(stats.posInf).toBe(ref.posInf);
  expect(stats.negInf).toBe(ref.negInf);
  expect(stats.zeros).toBe(ref.zeros);
  expect(stats.min).toBe(ref.min);
  expect(stats.max).toBe(ref.max);
  expect(Math.abs((stats.mean as number) - ref.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.mean)));
  expect(Math.abs((stats.std as number) - ref.std)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref.std));
  expect(Math.abs((stats.l2 as number) - ref.l2)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref.l2));
  if (bins > 0) {
    expect(stats.histogram?.method).toBe('exact');
    expect(stats.histogram?.counts).toEqual(referenceHistogram(ref.values, bins));
  }
}

function halfBitsToNumber(bits: number): number {
  // Written from IEEE 754 binary16 directly (not the library's decoder).
  const negative = bits >= 0x8000;
  const exponent = (bits & 0x7c00) / 0x400;
  const fraction = bits & 0x3ff;
  let magnitude: number;
  if (exponent === 31) magnitude = fraction === 0 ? Infinity : NaN;
  else if (exponent === 0) magnitude = fraction / 1024 / 16384;
  else magnitude = (1 + fraction / 1024) * Math.pow(2, exponent - 15);
  return negative ? -magnitude : magnitude;
}

function bfloat16BitsToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint16(0, bits, false);
  return view.getFloat32(0, false);
}

const HALF_EDGES = [
  0x0000, // +0
  0x8000, // −0
  0x0001, // smallest subnormal 2^-24
  0x8001,
  0x03ff, // largest subnormal
  0x0400, // smallest normal
  0x7bff, // 65504
  0xfbff, // −65504
  0x7c00, // +Inf
  0xfc00, // −Inf
  0x7e00, // quiet NaN
  0x7c01, // NaN with payload 1
  0xfd55, // negative NaN with payload
  0x3c00, // 1
  0xc000, // −2
  0x3555, // ≈ 1/3
];

const BFLOAT16_EDGES = [
  0x0000,
  0x8000,
  0x0001, // smallest subnormal 2^-133
  0x807f, // largest negative subnormal
  0x0080, // smallest normal
  0x7f7f, // largest finite ≈ 3.39e38
  0xff7f,
  0x7f80,
  0xff80,
  0x7fc0, // quiet NaN
  0x7f81, // signalling NaN payload
  0xffff, // negative NaN, all payload bits
  0x3f80, // 1
  0xc040, // −3
  0x3eab, // ≈ 1/3
];

function u16Content(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((b, i) => view.setUint16(i * 2, b, true));
  return out;
}

describe('stats of half-precision tensors (edge cases)', () => {
  it('Float16: subnormals, ±0, NaN payloads, ±Inf, extremes', async () => {
    const { index, plaintext } = await openRecords([['h', [HALF_EDGES.length], 'Float16', u16Content(HALF_EDGES)]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry);
    const ref = reference(HALF_EDGES.map(halfBitsToNumber));
    expect(ref).toMatchObject({ nan: 3, posInf: 1, negInf: 1, zeros: 2, min: -65504, max: 65504 });
    expectMatches(stats, ref);
    expect(stats.firstNonFinite).toBe(8);
  });

  it('BFloat16: subnormals, ±0, NaN payloads, ±Inf, extremes', async () => {
    const { index, plaintext } = await openRecords([
      ['b', [BFLOAT16_EDGES.length], 'BFloat16', u16Content(BFLOAT16_EDGES)],
    ]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry);
    const ref = reference(BFLOAT16_EDGES.map(bfloat16BitsToNumber));
    expect(ref).toMatchObject({ nan: 3, posInf: 1, negInf: 1, zeros: 2 });
    expect(ref.max).toBeCloseTo(3.3895313892515355e38, -30);
    expectMatches(stats, ref);
  });

  it('legacy BFloat16 stored as float32 keeps the high half, as MindSpore loads it', async () => {
    const floats = new Float32Array([1.0078125 + 2 ** -20, -2.5, 0, Number.NaN, 3.1415927, 1e-39]);
    const { index, plaintext } = await openRecords([['legacy', [floats.length], 'BFloat16', bytesOf(floats)]]);
    const entry = index.tensors[0] as TensorEntry;
    expect(entry.problems?.map((p) => p.code)).toContain('legacy-bfloat16-as-float32');
    const stats = await computeTensorStats(plaintext, entry);
    const view = new DataView(floats.buffer);
    const truncated = Array.from(floats, (_, i) => bfloat16BitsToNumber(view.getUint32(i * 4, true) >>> 16));
    expect(truncated[0]).toBe(1.0078125);
    expectMatches(stats, reference(truncated));
    expect(stats.legacyBfloat16).toBe(true);
  });
});

describe('stats of every dtype against an independent DataView decode', () => {
  const cases: { dtype: string; size: number; write: (view: DataView, i: number) => number }[] = [
    {
      dtype: 'Float32',
      size: 4,
      write: (v, i) => (v.setFloat32(i * 4, Math.fround(Math.sin(i) * 3 - 0.5), true), v.getFloat32(i * 4, true)),
    },
    {
      dtype: 'Float64',
      size: 8,
      write: (v, i) => (v.setFloat64(i * 8, Math.cos(i) * 1e6 + 1e9, true), v.getFloat64(i * 8, true)),
    },
    { dtype: 'Int8', size: 1, write: (v, i) => (v.setInt8(i, ((i * 37) % 256) - 128), v.getInt8(i)) },
    { dtype: 'UInt8', size: 1, write: (v, i) => (v.setUint8(i, (i * 37) % 256), v.getUint8(i)) },
    {
      dtype: 'Int16',
      size: 2,
      write: (v, i) => (v.setInt16(i * 2, ((i * 7919) % 65536) - 32768, true), v.getInt16(i * 2, true)),
    },
    {
      dtype: 'UInt16',
      size: 2,
      write: (v, i) => (v.setUint16(i * 2, (i * 7919) % 65536, true), v.getUint16(i * 2, true)),
    },
    {
      dtype: 'Int32',
      size: 4,
      write: (v, i) => (v.setInt32(i * 4, (i * 2654435761) | 0, true), v.getInt32(i * 4, true)),
    },
    {
      dtype: 'UInt32',
      size: 4,
      write: (v, i) => (v.setUint32(i * 4, (i * 2654435761) >>> 0, true), v.getUint32(i * 4, true)),
    },
    {
      dtype: 'Int64',
      size: 8,
      write: (v, i) => (
        v.setBigInt64(i * 8, BigInt(i * 1_000_003 - 2_000_000), true),
        Number(v.getBigInt64(i * 8, true))
      ),
    },
    {
      dtype: 'UInt64',
      size: 8,
      write: (v, i) => (v.setBigUint64(i * 8, BigInt(i * i * 977), true), Number(v.getBigUint64(i * 8, true))),
    },
    { dtype: 'Bool', size: 1, write: (v, i) => (v.setUint8(i, i % 3 === 0 ? 1 : 0), i % 3 === 0 ? 1 : 0) },
  ];
  for (const { dtype, size, write } of cases) {
    it(`${dtype}: same answer at window sizes 1, 7 and 16 MiB, across split records`, async () => {
      const count = 5003; // not a multiple of the 4096-element block
      const content = new Uint8Array(count * size);
      const view = new DataView(content.buffer);
      const values = Array.from({ length: count }, (_, i) => write(view, i));
      // Two same-tag records: the tensor's content is split into two ranges at an odd offset.
      const cut = Math.floor(count / 3) * size;
      const { index, plaintext } = await openRecords([
        ['pad', [1], 'UInt8', new Uint8Array([7])],
        ['t', [count], dtype, content.slice(0, cut)],
        ['t', [count], dtype, content.slice(cut)],
      ]);
      const entry = index.tensors.find((t) => t.name === 't') as TensorEntry;
      expect(entry.ranges.length).toBe(2);
      const ref = reference(values);
      const results = [];
      for (const windowBytes of [1, 7, 16 * 1024 * 1024]) {
        const stats = await computeTensorStats(plaintext, entry, { windowBytes });
        expectMatches(stats, ref);
        results.push(stats);
      }
      expect(results[0]).toEqual(results[2]);
      expect(results[1]).toEqual(results[2]);
    });
  }

  it('Int64 extremes beyond 2^53 come back as exact decimal strings', async () => {
    const content = new Uint8Array(24);
    const view = new DataView(content.buffer);
    view.setBigInt64(0, -9223372036854775807n, true);
    view.setBigInt64(8, 9007199254740993n, true);
    view.setBigInt64(16, 5n, true);
    const { index, plaintext } = await openRecords([['i', [3], 'Int64', content]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry);
    expect(stats.min).toBe('-9223372036854775807');
    expect(stats.max).toBe('9007199254740993');
  });

  it('an empty tensor has counts of zero and no min/max', async () => {
    const { index, plaintext } = await openRecords([['e', [0, 3], 'Float32', new Uint8Array(0)]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry);
    expect(stats).toMatchObject({
      elements: 0,
      finite: 0,
      min: null,
      max: null,
      mean: null,
      std: null,
      histogram: null,
    });
  });
});

describe('histogram methods', () => {
  const count = 300_000;
  const floats = new Float32Array(count);
  for (let i = 0; i < count; i += 1) floats[i] = Math.fround(Math.sin(i * 0.37) * Math.cos(i * 0.011) * 0.05);
  const values = Array.from(floats);
  const exact = referenceHistogram(values, 64);

  it('small 32-bit tensors are exact (kept in memory for the second pass)', async () => {
    const { index, plaintext } = await openRecords([['w', [count], 'Float32', bytesOf(floats)]]);
    const counting = new CountingSource(plaintext);
    const stats = await computeTensorStats(counting, index.tensors[0] as TensorEntry, { windowBytes: 65536 });
    expect(stats.histogram?.counts).toEqual(exact);
    expect(counting.bytesRead).toBe(count * 4); // one read of the bytes
  });

  it('large 32-bit tensors: bucketed in one pass, close to exact; exactHistogram re-reads for exact counts', async () => {
    const { index, plaintext } = await openRecords([['w', [count], 'Float32', bytesOf(floats)]]);
    const entry = index.tensors[0] as TensorEntry;
    const bucketed = await computeTensorStats(plaintext, entry, { retainBytes: 0 });
    expect(bucketed.histogram?.method).toBe('bucketed');
    const counts = bucketed.histogram?.counts as number[];
    expect(counts.reduce((s, c) => s + c, 0)).toBe(count);
    const l1 = counts.reduce((s, c, i) => s + Math.abs(c - (exact[i] as number)), 0);
    expect(l1 / count).toBeLessThan(0.02);

    const counting = new CountingSource(plaintext);
    const reread = await computeTensorStats(counting, entry, { retainBytes: 0, exactHistogram: true });
    expect(reread.histogram).toMatchObject({ method: 'exact', counts: exact });
    expect(counting.bytesRead).toBe(2 * count * 4);
    expect(reread.mean).toBe(bucketed.mean);
  });

  it('bucketed float32 blocks with NaN/Inf or far from the running mean are redone exactly', async () => {
    const floats = new Float32Array(20_000);
    for (let i = 0; i < floats.length; i += 1)
      floats[i] = Math.fround(Math.cos(i) * 0.01 + (i >= 12_288 && i < 16_384 ? 1000 : 0));
    floats[5000] = Number.NaN;
    floats[9001] = Number.POSITIVE_INFINITY;
    const { index, plaintext } = await openRecords([['w', [floats.length], 'Float32', bytesOf(floats)]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry, { retainBytes: 0, bins: 16 });
    const ref = reference(Array.from(floats));
    expect(stats.histogram?.method).toBe('bucketed');
    expect(stats.histogram?.counts.reduce((sum, c) => sum + c, 0)).toBe(ref.finite);
    expect(stats.histogram?.counts[15]).toBe(4096); // the block near 1000 fills the last bin
    expectMatches(stats, ref, 0);
  });

  it('the WASM SIMD float32 kernels and the JS loops give the same statistics', async () => {
    const floats = new Float32Array(70_001);
    for (let i = 0; i < floats.length; i += 1) floats[i] = Math.fround(Math.sin(i * 0.37) * (1 + (i % 97)) * 1e-3);
    floats[100] = 0;
    floats[101] = -0;
    floats[40_000] = Number.NaN;
    floats[50_000] = Number.NEGATIVE_INFINITY;
    const { index, plaintext } = await openRecords([['w', [floats.length], 'Float32', bytesOf(floats)]]);
    const entry = index.tensors[0] as TensorEntry;
    const run = async (useKernel: boolean, options: { retainBytes?: number }): Promise<TensorStats> => {
      disableStats32Kernel(!useKernel);
      try {
        return await computeTensorStats(plaintext, entry, { windowBytes: 65_536, ...options });
      } finally {
        disableStats32Kernel(false);
      }
    };
    const ref = reference(Array.from(floats));
    for (const options of [{}, { retainBytes: 0 }]) {
      const [wasm, js] = [await run(true, options), await run(false, options)];
      expectMatches(wasm, ref, 0);
      expectMatches(js, ref, 0);
      // Same counts, extremes and histograms; the sums differ only in float64 rounding order.
      expect({ ...wasm, mean: 0, std: 0, l2: 0 }).toEqual({ ...js, mean: 0, std: 0, l2: 0 });
    }
  });

  it('a constant tensor uses [v − 0.5, v + 0.5] like numpy', async () => {
    const { index, plaintext } = await openRecords([['c', [10], 'Float32', bytesOf(new Float32Array(10).fill(2))]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry, { bins: 4 });
    expect(stats.histogram).toMatchObject({ lo: 1.5, hi: 2.5, counts: [0, 0, 10, 0] });
  });
});

describe('real checkpoints', () => {
  it('LeNet (ythlml): every tensor matches a direct decode of the file bytes, at 16 MiB and 999-byte windows', async () => {
    const file = 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt';
    const { index, plaintext } = await openCheckpoint(await fixtureSource('real', file));
    const raw = fixtureBytes('real', file);
    const counting = new CountingSource(plaintext);
    const all = await computeAllStats(counting, index);
    // Every content byte read once; small tensors are read through in windows, so the record
    // headers between them (a few dozen bytes each) are read too, never more than the file.
    const content = index.tensors.reduce((sum, t) => sum + t.bytes, 0);
    expect(counting.bytesRead).toBeGreaterThanOrEqual(content);
    expect(counting.bytesRead).toBeLessThanOrEqual(Math.min(plaintext.size, content + 64 * index.tensors.length));
    expect(counting.reads).toBeLessThan(index.tensors.length);
    const small = await computeAllStats(plaintext, index, { windowBytes: 999 });
    expect(small.tensors).toEqual(all.tensors);
    expect(all.tensors.length).toBe(18);
    for (const stats of all.tensors) {
      const entry = index.tensors.find((t) => t.name === stats.name) as TensorEntry;
      const values: number[] = [];
      for (const range of entry.ranges) {
        const view = new DataView(raw.buffer, raw.byteOffset + range.offset, range.length);
        const size = entry.dtype === 'Float64' ? 8 : 4;
        for (let at = 0; at < range.length; at += size)
          values.push(size === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true));
      }
      expectMatches(stats, reference(values));
    }
    const fc3 = all.tensors.find((s) => s.name === 'fc3.weight') as TensorStats;
    expect(fc3.elements).toBe(840);
    expect(all.bytesRead).toBe(index.tensors.reduce((sum, t) => sum + t.bytes, 0));
  });

  it('progress reaches the total and cancel stops the pass', async () => {
    const { index, plaintext } = await openCheckpoint(
      await fixtureSource('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt'),
    );
    const seen: number[] = [];
    let total = 0;
    await computeAllStats(plaintext, index, {
      windowBytes: 4096,
      onProgress: (p) => {
        seen.push(p.doneBytes);
        total = p.totalBytes;
      },
    });
    expect(seen.at(-1)).toBe(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const controller = new AbortController();
    const run = computeAllStats(plaintext, index, {
      windowBytes: 4096,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.doneBytes > 20_000) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
  });
});

describe('a large tensor split into many short records', () => {
  it('is read through shared windows: a few reads, not one per record, and the same numbers', async () => {
    // 70,000 records of one Float32 each (280,000 bytes, above the small-tensor size), as
    // MindSpore's reader joins records of one name; each record's header lies between the runs.
    const count = 70_000;
    const records = Array.from({ length: count }, (_, i): RecordSpec => [
      'big',
      [count],
      'Float32',
      bytesOf(new Float32Array([i % 7])),
    ]);
    const { index, plaintext } = await openRecords(records);
    expect(index.tensors).toHaveLength(1);
    expect(index.tensors[0]?.ranges).toHaveLength(count);
    const counting = new CountingSource(plaintext);
    const all = await computeAllStats(counting, index);
    const stats = all.tensors[0] as TensorStats;
    expect(stats.elements).toBe(count);
    expect([stats.min, stats.max, stats.zeros]).toEqual([0, 6, 10_000]);
    expect(counting.reads).toBeLessThan(10);
    // Each byte of the file is read at most once.
    expect(counting.bytesRead).toBeLessThanOrEqual(plaintext.size);
  });

  it('short runs far apart are still read one by one (a window would read far more than they hold)', async () => {
    // 100 runs of 3,000 bytes (300,000, above the small-tensor size), 60,000 bytes apart.
    const runs = 100;
    const run = 3000;
    const gap = 60_000;
    const file = new Uint8Array(runs * (run + gap));
    const ranges = Array.from({ length: runs }, (_, i) => ({ offset: i * (run + gap), length: run }));
    for (const range of ranges) file.set(bytesOf(new Float32Array(run / 4).fill(1)), range.offset);
    const entry: TensorEntry = {
      name: 'sparse',
      dtype: 'Float32',
      shape: [(runs * run) / 4],
      kind: 'tensor',
      bytes: runs * run,
      ranges,
    };
    const counting = new CountingSource(new MemorySource(file));
    const all = await computeAllStats(counting, {
      ...(await openRecords([['x', [1], 'Float32', bytesOf(new Float32Array(1))]])).index,
      tensors: [entry],
    });
    expect(all.tensors[0]).toMatchObject({ elements: (runs * run) / 4, min: 1, max: 1 });
    expect(counting.bytesRead).toBe(runs * run);
    expect(counting.reads).toBe(runs);
  });
});

describe('NaN/Inf audit', () => {
  it('lists exactly the tensors with NaN or ±Inf and skips strings and integers', async () => {
    const clean = new Float32Array([1, 2, 3]);
    const withNan = new Float32Array([1, Number.NaN, 3, Number.NaN]);
    const withInf = new Float64Array([Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY]);
    const { index, plaintext } = await openRecords([
      ['a', [3], 'Float32', bytesOf(clean)],
      ['b', [4], 'Float32', bytesOf(withNan)],
      ['c', [3], 'Float64', bytesOf(withInf)],
      ['d', [2], 'Int32', bytesOf(new Int32Array([1, 2]))],
      ['h', [2], 'Float16', u16Content([0x3c00, 0x7c00])],
    ]);
    const counting = new CountingSource(plaintext);
    const audit = await auditNonFinite(counting, index);
    expect(audit.clean).toBe(false);
    expect(audit.findings.map((f) => [f.name, f.nan, f.posInf, f.negInf, f.firstNonFinite])).toEqual([
      ['b', 2, 0, 0, 1],
      ['c', 0, 1, 1, 0],
      ['h', 0, 1, 0, 1],
    ]);
    expect(audit.scannedTensors).toBe(4); // the Int32 tensor cannot hold NaN and is not read
  });

  it('real LeNet checkpoints are clean', async () => {
    const { index, plaintext } = await openCheckpoint(
      await fixtureSource('real', 'serving__lenet_ascend_v111_offical_cv_mnist_bs32_acc98.ckpt'),
    );
    const audit = await auditNonFinite(plaintext, index);
    expect(audit).toMatchObject({ clean: true, findings: [] });
    expect(audit.scannedTensors).toBe(19);
  });

  it('a tensor whose bytes are missing is reported, not fatal', async () => {
    const source = new MemorySource(new Uint8Array(8));
    const entry: TensorEntry = {
      name: 'x',
      dtype: 'Float32',
      shape: [4],
      kind: 'tensor',
      bytes: 16,
      ranges: [{ offset: 0, length: 16 }],
    };
    await expect(computeTensorStats(source, entry)).rejects.toMatchObject({ code: 'tensor-content-short' });
  });
});
