import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, float16ToNumber } from '../../base/decode';
import { loadCast16Kernel } from './cast-kernel';
import {
  convertElements,
  convertFloat32ToHalf,
  emptyCastStats,
  isAllowedCast,
  numberToBfloat16Bits,
  numberToFloat16Bits,
  type CastStats,
} from './casts';

/**
 * Independent oracle: the positive finite values of a 16-bit float are increasing in their bit
 * patterns, so the nearest one is found by binary search; a tie goes to the even bit pattern.
 * The value after the largest finite one is 2^(emax+1) with the bits of +inf (IEEE overflow).
 */
function oracle(decode: (bits: number) => number, infBits: number, overflowValue: number): (x: number) => number {
  const values = Array.from({ length: infBits + 1 }, (_, bits) => (bits === infBits ? overflowValue : decode(bits)));
  return (x: number): number => {
    if (Number.isNaN(x)) return -1;
    const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
    const a = Math.abs(x);
    if (a >= overflowValue) return sign | infBits;
    let low = 0;
    let high = infBits;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if ((values[mid] as number) <= a) low = mid;
      else high = mid;
    }
    const below = a - (values[low] as number);
    const above = (values[high] as number) - a;
    const bits = below < above ? low : above < below ? high : low % 2 === 0 ? low : high;
    return sign | bits;
  };
}

const halfOracle = oracle(float16ToNumber, 0x7c00, 2 ** 16);
const bfloatOracle = oracle(bfloat16ToNumber, 0x7f80, 2 ** 128);

function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function bitsOf(bytes: Uint8Array): number[] {
  return Array.from(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2));
}

function edgeFloat32s(): number[] {
  const values = [
    0,
    -0,
    1,
    -1,
    Infinity,
    -Infinity,
    65504,
    -65504,
    65519.99,
    65520,
    65536,
    1e38,
    3.4028234663852886e38,
    2 ** -24,
    2 ** -25,
    3 * 2 ** -26,
    2 ** -26,
    2 ** -14,
    2 ** -14 - 2 ** -24,
    1.5 * 2 ** -24,
    2.5 * 2 ** -24,
    1 + 2 ** -11,
    1 + 3 * 2 ** -11,
    1 + 2 ** -8,
    1 + 3 * 2 ** -8,
    2 ** -126,
    2 ** -127,
    2 ** -133,
    2 ** -134,
    3 * 2 ** -135,
    1.401298464324817e-45,
    0.1,
    0.01,
    Math.PI,
    1 / 3,
    -(2 ** -149),
  ];
  // Random float32 bit patterns over the whole range (a fixed LCG keeps the test reproducible).
  const bits = new Uint32Array(20000);
  let state = 12345;
  for (let i = 0; i < bits.length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bits[i] = state ^ (state << 13);
  }
  const random = Array.from(new Float32Array(bits.buffer)).filter((v) => !Number.isNaN(v));
  return values.map(Math.fround).concat(random);
}

describe('float32 → float16 / bfloat16 (round to nearest even)', () => {
  const inputs = edgeFloat32s();

  it('matches the brute-force nearest-even oracle for float16, incl. subnormals, ±0, ±inf and overflow', () => {
    const out = bitsOf(convertElements('Float32', 'Float16', float32Bytes(inputs), emptyCastStats()));
    expect(inputs.flatMap((x, i) => (out[i] === halfOracle(x) ? [] : [[x, out[i]]]))).toEqual([]);
  });

  it('matches the oracle for bfloat16', () => {
    const out = bitsOf(convertElements('Float32', 'BFloat16', float32Bytes(inputs), emptyCastStats()));
    expect(inputs.flatMap((x, i) => (out[i] === bfloatOracle(x) ? [] : [[x, out[i]]]))).toEqual([]);
  });

  it('names the classic cases explicitly', () => {
    expect(numberToFloat16Bits(65519.99)).toBe(0x7bff); // below the halfway point: max finite
    expect(numberToFloat16Bits(65520)).toBe(0x7c00); // halfway: rounds to even, i.e. overflows to inf
    expect(numberToFloat16Bits(2 ** -25)).toBe(0x0000); // half the smallest subnormal: ties to 0
    expect(numberToFloat16Bits(3 * 2 ** -26)).toBe(0x0001);
    expect(numberToFloat16Bits(-0)).toBe(0x8000);
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even (1.0)
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(numberToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(numberToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(numberToBfloat16Bits(3.4028234663852886e38)).toBe(0x7f80); // f32 max rounds up to inf
  });

  it('keeps NaN a NaN with its sign', () => {
    const nan = new Uint8Array(new Uint32Array([0x7fc00000, 0xffc00001, 0x7f800001]).buffer);
    const half = bitsOf(convertElements('Float32', 'Float16', nan, emptyCastStats()));
    expect(half.map((b) => (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0)).toEqual([true, true, true]);
    expect(half.map((b) => b >> 15)).toEqual([0, 1, 0]);
    const bf = bitsOf(convertElements('Float32', 'BFloat16', nan, emptyCastStats()));
    expect(bf.map((b) => Number.isNaN(bfloat16ToNumber(b)))).toEqual([true, true, true]);
    expect(bf.map((b) => b >> 15)).toEqual([0, 1, 0]);
  });
});

/**
 * float32 bit patterns that stress the float16 kernels: every sign and exponent with significands
 * exactly at, just below and just above each rounding tie (low 13 bits 0x1000 ± 1, with odd and
 * even kept bits), the extremes, NaN payloads, and a strided sweep of all 2^32 patterns.
 */
function kernelPatterns(): Uint32Array {
  const patterns: number[] = [];
  const lows = [0, 1, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x0800, 0x17ff];
  const highs = [0, 1, 2, 0x155, 0x2aa, 0x3fe, 0x3ff];
  for (let sign = 0; sign < 2; sign += 1)
    for (let exponent = 0; exponent < 256; exponent += 1)
      for (const high of highs)
        for (const low of lows) patterns.push(((sign << 31) | (exponent << 23) | (high << 13) | low) >>> 0);
  // Subnormal float16 results tie at other bit positions: every shift gets its own ties.
  for (let exponent = 102; exponent <= 113; exponent += 1)
    for (let significand = 0; significand < 0x800000; significand += 0x1fff) {
      patterns.push(((exponent << 23) | significand) >>> 0);
      const tie = 1 << (125 - exponent);
      if (tie < 0x800000) patterns.push(((exponent << 23) | (significand & ~(2 * tie - 1)) | tie) >>> 0);
    }
  for (let bits = 0; bits < 2 ** 32; bits += 4093) patterns.push(bits);
  return Uint32Array.from(patterns);
}

/** Bits and statistics of float32 → float16 from the double-based rounding (an independent path). */
function referenceHalf(patterns: Uint32Array): { bits: number[]; stats: CastStats } {
  const values = new Float32Array(patterns.buffer, patterns.byteOffset, patterns.length);
  const stats = emptyCastStats();
  stats.elements = values.length;
  const bits = Array.from(values, (value) => {
    if (Number.isNaN(value)) {
      stats.nans += 1;
      return -1;
    }
    const half = numberToFloat16Bits(value);
    const result = float16ToNumber(half);
    if (Number.isFinite(value) && !Number.isFinite(result)) stats.overflowToInfinity += 1;
    else if (Number.isFinite(value) && result !== value) {
      const error = Math.abs(result - value);
      stats.maxAbsoluteError = Math.max(stats.maxAbsoluteError, error);
      if (result === 0) stats.underflowToZero += 1;
      stats.maxRelativeError = Math.max(stats.maxRelativeError, error / Math.abs(value));
    }
    return half;
  });
  return { bits, stats };
}

describe('float32 → float16 kernels (JS and WASM SIMD)', () => {
  const patterns = kernelPatterns();
  const input = new Uint8Array(patterns.buffer);
  const reference = referenceHalf(patterns);
  const check = (out: Uint8Array, stats: CastStats): void => {
    const got = bitsOf(out);
    const wrong: string[] = [];
    for (let i = 0; i < patterns.length && wrong.length < 10; i += 1) {
      const want = reference.bits[i] as number;
      const isNan = ((got[i] as number) & 0x7c00) === 0x7c00 && ((got[i] as number) & 0x3ff) !== 0;
      const ok = want === -1 ? isNan && (got[i] as number) >> 15 === (patterns[i] as number) >>> 31 : got[i] === want;
      if (!ok) wrong.push(`${(patterns[i] as number).toString(16)} → ${(got[i] as number).toString(16)}`);
    }
    expect(wrong).toEqual([]);
    expect(stats).toEqual(reference.stats);
  };

  it('the JS kernel matches the double-based rounding, ties and statistics included', () => {
    const stats = emptyCastStats();
    check(convertFloat32ToHalf(input, stats), stats);
  });

  it('the WASM SIMD kernel gives the same bits and statistics, also split across calls', async () => {
    const kernel = await loadCast16Kernel();
    expect(kernel).not.toBeNull();
    const whole = emptyCastStats();
    check(kernel!.convert(input, whole), whole);
    // An odd element count and a cut mid-vector exercise the scalar tail.
    const split = emptyCastStats();
    const cut = 4 * 1001;
    const joined = new Uint8Array(input.length / 2);
    joined.set(kernel!.convert(input.subarray(0, cut), split));
    joined.set(kernel!.convert(input.subarray(cut), split), cut / 2);
    check(joined, split);
  });

  it('convertElements uses the WASM kernel once loaded and agrees with the JS one', async () => {
    await loadCast16Kernel();
    const viaElements = emptyCastStats();
    const js = emptyCastStats();
    const wasm = bitsOf(convertElements('Float32', 'Float16', input, viaElements));
    const plain = bitsOf(convertFloat32ToHalf(input, js));
    expect(wasm.filter((bits, i) => bits !== plain[i]).length).toBe(0);
    expect(viaElements).toEqual(js);
  });
});

describe('other float casts', () => {
  it('float64 → float16 rounds once (no double rounding through float32)', () => {
    const x = 1 + 2 ** -11 + 2 ** -40; // just above the tie: rounds up; via float32 it would tie down
    const out = bitsOf(
      convertElements('Float64', 'Float16', new Uint8Array(new Float64Array([x]).buffer), emptyCastStats()),
    );
    expect(out).toEqual([halfOracle(x)]);
    expect(out).toEqual([0x3c01]);
  });

  it('float16 → float32 → float16 is exact for every half value', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const widened = convertElements('Float16', 'Float32', new Uint8Array(all.buffer), emptyCastStats());
    const back = bitsOf(convertElements('Float32', 'Float16', widened, emptyCastStats()));
    const wrong: number[] = [];
    for (let bits = 0; bits < 65536; bits += 1) {
      const isNan = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (!isNan && back[bits] !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('bfloat16 → float16 and float16 → bfloat16 round to nearest even', () => {
    const bf = new Uint16Array([0x3f80, 0x3f81, 0x4780, 0x477f, 0x0001, 0xc2f7]); // 1, 1+2^-7, 65536, 65280, tiny, -123.5
    const half = bitsOf(convertElements('BFloat16', 'Float16', new Uint8Array(bf.buffer), emptyCastStats()));
    expect(half).toEqual(Array.from(bf, (b) => halfOracle(bfloat16ToNumber(b))));
    const back = bitsOf(
      convertElements('Float16', 'BFloat16', new Uint8Array(new Uint16Array(half).buffer), emptyCastStats()),
    );
    expect(back).toEqual(half.map((h) => bfloatOracle(float16ToNumber(h))));
  });

  it('reports overflow to inf, NaNs, underflow and the largest precision loss', () => {
    const stats = emptyCastStats();
    convertElements('Float32', 'Float16', float32Bytes([70000, 1, NaN, 1e-9, 0.1, -Infinity]), stats);
    expect(stats.elements).toBe(6);
    expect(stats.overflowToInfinity).toBe(1);
    expect(stats.nans).toBe(1);
    expect(stats.underflowToZero).toBe(1);
    expect(stats.maxRelativeError).toBe(1); // 1e-9 became 0
    const tenth = Math.fround(0.1);
    expect(stats.maxAbsoluteError).toBeCloseTo(Math.abs(float16ToNumber(halfOracle(tenth)) - tenth), 15);
  });
});

describe('int casts', () => {
  it('wrap like numpy astype and count values out of range', () => {
    const stats = emptyCastStats();
    const out = convertElements('Int32', 'Int8', new Uint8Array(new Int32Array([1, -1, 300, -129]).buffer), stats);
    expect(Array.from(new Int8Array(out.buffer))).toEqual([1, -1, 44, 127]);
    expect(stats.outOfRange).toBe(2);
    const narrow = convertElements(
      'Int64',
      'Int16',
      new Uint8Array(new BigInt64Array([70000n, -32768n, -(2n ** 40n) - 1n]).buffer),
      stats,
    );
    expect(Array.from(new Int16Array(narrow.buffer))).toEqual([70000 - 65536, -32768, -1]);
    expect(stats.outOfRange).toBe(4);
    const unaligned = new Uint8Array(9);
    unaligned.set(new Uint8Array(new Int16Array([-2, 1000, 7, -300]).buffer), 1);
    const odd = convertElements('Int16', 'Int32', unaligned.subarray(1), emptyCastStats());
    expect(Array.from(new Int32Array(odd.buffer))).toEqual([-2, 1000, 7, -300]);
    const wide = convertElements('Int8', 'Int64', new Uint8Array(new Int8Array([-5, 7]).buffer), emptyCastStats());
    expect(Array.from(new BigInt64Array(wide.buffer))).toEqual([-5n, 7n]);
  });

  it('only within the families MindSpore converts', () => {
    expect(isAllowedCast('Float32', 'BFloat16')).toBe(true);
    expect(isAllowedCast('Int64', 'Int32')).toBe(true);
    expect(isAllowedCast('Float32', 'Int32')).toBe(false);
    expect(isAllowedCast('UInt8', 'Int32')).toBe(false);
    expect(isAllowedCast('Bool', 'Int8')).toBe(false);
  });
});
