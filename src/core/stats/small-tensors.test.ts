import { afterEach, describe, expect, it } from 'vitest';
import type { TensorEntry } from '../../base/types';
import { bytesOf, openRecords } from '../../test/ckpt-records';
import { BLOCK_ELEMENTS } from './accumulate';
import { viewableBytes } from './elements';
import { disableStats32Kernel } from './stats-kernel';
import { computeAllStats, computeTensorStats, type TensorStats } from './tensor-stats';

/** Seeded, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const STRIDE: Record<string, number> = {
  Float16: 2,
  BFloat16: 2,
  Float32: 4,
  Float64: 8,
  Bool: 1,
  Int8: 1,
  UInt8: 1,
  Int16: 2,
  UInt16: 2,
  Int32: 4,
  UInt32: 4,
  Int64: 8,
  UInt64: 8,
};

type Fill = 'bytes' | 'specials' | 'constant' | 'huge-constant' | 'wide';

/** Content for `count` elements: random bytes, or values chosen to reach the rare branches. */
function content(dtype: string, count: number, fill: Fill, next: () => number): Uint8Array {
  const stride = STRIDE[dtype] as number;
  const bytes = new Uint8Array(count * stride);
  const view = new DataView(bytes.buffer);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  for (let i = 0; i < count; i += 1) {
    const at = i * stride;
    if (fill === 'bytes') for (let b = 0; b < stride; b += 1) bytes[at + b] = Math.floor(next() * 256);
    else if (dtype === 'Float32' || dtype === 'Float64') {
      const value =
        fill === 'constant'
          ? 0.1
          : fill === 'huge-constant'
            ? // v ± 0.5 rounds back to v: an infinite bin scale (see ExactHistogram.addValues).
              1e20
            : pick([NaN, Infinity, -Infinity, 0, -0, 1.5, -2.25, 3e38, 1e-40, next() * 100 - 50]);
      if (dtype === 'Float32') view.setFloat32(at, value, true);
      else view.setFloat64(at, fill === 'specials' && next() < 0.2 ? 1e308 : value, true);
    } else if (dtype === 'Float16' || dtype === 'BFloat16') {
      // 0x7c00/0x7f80 = +Inf, 0xfe00/0xffc0 = NaN, 0x8000 = -0; 0x60ad is a bfloat16 near 1e20.
      const specials =
        dtype === 'Float16' ? [0x7c00, 0xfc00, 0x7e00, 0x8000, 0, 0x3c00] : [0x7f80, 0xff80, 0xffc0, 0x8000, 0, 0x3f80];
      view.setUint16(at, fill === 'huge-constant' ? 0x60ad : fill === 'constant' ? 0x3c00 : pick(specials), true);
    } else if (dtype === 'Int64' || dtype === 'UInt64') {
      const value =
        fill === 'wide'
          ? pick([2n ** 53n + 1n, -(2n ** 63n) + 1n, 2n ** 62n, -(2n ** 53n) - 1n, 2n ** 53n - 1n, -(2n ** 53n), 7n])
          : BigInt(Math.floor(next() * 2 ** 40) - 2 ** 39);
      if (dtype === 'Int64') view.setBigInt64(at, value, true);
      else view.setBigUint64(at, value < 0n ? -value : value, true);
    } else for (let b = 0; b < stride; b += 1) bytes[at + b] = fill === 'constant' ? 1 : Math.floor(next() * 256);
  }
  return bytes;
}

/** Without stripping keys: toEqual would pass `undefined` against a missing key. */
function plain(stats: TensorStats): unknown {
  return JSON.parse(JSON.stringify(stats)) as unknown;
}

describe('tensors of at most a block read in one piece (summarizeSmallChunk)', () => {
  afterEach(() => disableStats32Kernel(false));

  const counts = [1, 2, 3, 17, 256, 1000, BLOCK_ELEMENTS, BLOCK_ELEMENTS + 1];
  const fills: Fill[] = ['bytes', 'specials', 'constant', 'huge-constant', 'wide'];

  for (const kernel of [true, false]) {
    it(`give what the windowed accumulator gives, for every dtype (${kernel ? 'WASM kernel' : 'JS loops'})`, async () => {
      disableStats32Kernel(!kernel);
      const next = random(kernel ? 1 : 2);
      let compared = 0;
      for (const dtype of Object.keys(STRIDE))
        for (const count of counts)
          for (const fill of fills) {
            // A byte in front: .ckpt record contents then start at odd offsets, as real ones do.
            const { index, plaintext } = await openRecords([
              ['pad', [1], 'UInt8', new Uint8Array([7])],
              ['t', [count], dtype, content(dtype, count, fill, next)],
            ]);
            const entry = index.tensors.find((t) => t.name === 't') as TensorEntry;
            const whole = await computeTensorStats(plaintext, entry);
            // Windows smaller than the tensor send it through StatsAccumulator (4096 bytes: the
            // retained chunks of a float32 tensor are long enough for the kernel's histogram).
            for (const windowBytes of [1, 7, 4096]) {
              // (1-byte windows only for the small counts: they are slow, and 7 does the same.)
              if (count * (STRIDE[dtype] as number) <= windowBytes || (windowBytes === 1 && count > 17)) continue;
              const windowed = await computeTensorStats(plaintext, entry, { windowBytes });
              expect(plain(whole), `${dtype} × ${count}, ${fill}, window ${windowBytes}`).toEqual(plain(windowed));
              compared += 1;
            }
            for (const bins of [0, 1, 7]) {
              if (count * (STRIDE[dtype] as number) <= 7) continue;
              const a = await computeTensorStats(plaintext, entry, { bins });
              const b = await computeTensorStats(plaintext, entry, { bins, windowBytes: 7 });
              expect(plain(a), `${dtype} × ${count}, bins ${bins}`).toEqual(plain(b));
            }
          }
      expect(compared).toBeGreaterThan(700);
    });
  }

  it('a constant so large that v ± 0.5 is v lands in the middle bin, with the kernel and without', async () => {
    for (const [dtype, bytes] of [
      ['Float32', bytesOf(new Float32Array([1e20, 1e20, 1e20]))],
      ['Float64', bytesOf(new Float64Array([1e300, 1e300, 1e300]))],
      ['Float64', bytesOf(new Float64Array([-(2 ** 60), -(2 ** 60), -(2 ** 60)]))],
    ] as const) {
      const { index, plaintext } = await openRecords([['t', [3], dtype, bytes]]);
      const entry = index.tensors[0] as TensorEntry;
      for (const disabled of [false, true]) {
        disableStats32Kernel(disabled);
        const histogram = (await computeTensorStats(plaintext, entry)).histogram;
        const value = dtype === 'Float32' ? Math.fround(1e20) : (new Float64Array(bytes.buffer)[0] as number);
        expect(histogram?.lo).toBeLessThan(value);
        expect(histogram?.hi).toBeGreaterThan(value);
        expect(histogram?.counts.filter((c) => c !== 0)).toEqual([3]);
        expect(histogram?.counts[32]).toBe(3);
      }
      disableStats32Kernel(false);
    }
  });

  it('two float64 subnormals one apart: every value counts, none is lost to a 0 × ∞ bin', async () => {
    const { index, plaintext } = await openRecords([
      ['t', [4], 'Float64', bytesOf(new Float64Array([0, 0, 5e-324, 5e-324]))],
    ]);
    const histogram = (await computeTensorStats(plaintext, index.tensors[0] as TensorEntry)).histogram;
    expect(histogram?.counts.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('histogram counts are a packed array of numbers (JSON.stringify writes a holey one slowly)', async () => {
    const { index, plaintext } = await openRecords([['t', [1], 'Float32', bytesOf(new Float32Array([0.5]))]]);
    const stats = await computeTensorStats(plaintext, index.tensors[0] as TensorEntry);
    const counts = stats.histogram?.counts as number[];
    expect(counts.length).toBe(64);
    expect(Object.keys(counts).length).toBe(64);
    expect(counts[32]).toBe(1);
  });

  it('a pass over many tiny tensors of mixed dtypes: the same as each measured alone through windows', async () => {
    const next = random(3);
    const dtypes = Object.keys(STRIDE);
    const records: [string, number[], string, Uint8Array][] = [];
    for (let i = 0; i < 300; i += 1) {
      const dtype = dtypes[i % dtypes.length] as string;
      const count = 1 + Math.floor(next() * 40);
      records.push([`t${i}`, [count], dtype, content(dtype, count, i % 3 === 0 ? 'specials' : 'bytes', next)]);
    }
    const { index, plaintext } = await openRecords(records);
    const all = await computeAllStats(plaintext, index);
    expect(all.tensors.length).toBe(300);
    for (const [i, stats] of all.tensors.entries()) {
      const entry = index.tensors[i] as TensorEntry;
      const alone = await computeTensorStats(plaintext, entry, { windowBytes: 1 });
      expect(plain(stats), entry.name).toEqual(plain(alone));
    }
  });
});

describe('viewableBytes', () => {
  it('copies a small chunk into scratch it can view, and hands a large one back as it is', () => {
    const small = new Uint8Array([1, 2, 3, 4, 5]).subarray(1);
    const copy = viewableBytes(small);
    expect(Array.from(copy)).toEqual([2, 3, 4, 5]);
    expect(copy.byteOffset).toBe(0);
    const large = new Uint8Array(65);
    expect(viewableBytes(large)).toBe(large);
  });
});
