/**
 * dtype conversions MindSpore makes when a checkpoint dtype differs from the network's
 * (`_type_convert`, ckpt-format.md §9.4): within the float set and within the int set only, with
 * numpy cast semantics — round to nearest even, overflow to ±inf, integers wrap.
 */
import { cast16Kernel, type Allocate } from './cast-kernel';
import type { CastStats } from './cast-stats';

export const FLOAT_CAST_DTYPES = ['Float16', 'BFloat16', 'Float32', 'Float64'] as const;
export const INT_CAST_DTYPES = ['Int8', 'Int16', 'Int32', 'Int64'] as const;

const elementBytes: Record<string, number> = {
  Float16: 2,
  BFloat16: 2,
  Float32: 4,
  Float64: 8,
  Int8: 1,
  Int16: 2,
  Int32: 4,
  Int64: 8,
};

export function castElementBytes(dtype: string): number | undefined {
  return elementBytes[dtype];
}

export function castFamily(dtype: string): 'float' | 'int' | null {
  if ((FLOAT_CAST_DTYPES as readonly string[]).includes(dtype)) return 'float';
  if ((INT_CAST_DTYPES as readonly string[]).includes(dtype)) return 'int';
  return null;
}

export function isAllowedCast(from: string, to: string): boolean {
  const family = castFamily(from);
  return family !== null && family === castFamily(to);
}

export type { CastStats } from './cast-stats';

export function emptyCastStats(): CastStats {
  return {
    elements: 0,
    nans: 0,
    overflowToInfinity: 0,
    underflowToZero: 0,
    outOfRange: 0,
    maxAbsoluteError: 0,
    maxRelativeError: 0,
  };
}

export function mergeCastStats(into: CastStats, add: CastStats): void {
  into.elements += add.elements;
  into.nans += add.nans;
  into.overflowToInfinity += add.overflowToInfinity;
  into.underflowToZero += add.underflowToZero;
  into.outOfRange += add.outOfRange;
  into.maxAbsoluteError = Math.max(into.maxAbsoluteError, add.maxAbsoluteError);
  into.maxRelativeError = Math.max(into.maxRelativeError, add.maxRelativeError);
}

// ---- rounding a double to 16-bit floats (exact for any double input: no double rounding) ----

const scratch64 = new Float64Array(1);
const scratchHigh = new Uint32Array(scratch64.buffer);
const highWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** floor(log2(a)) for a positive normal double, read from its exponent field. */
function exponentOf(a: number): number {
  scratch64[0] = a;
  return (((scratchHigh[highWord] as number) >>> 20) & 0x7ff) - 1023;
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * IEEE binary16 bits of `x`, rounded to nearest even (subnormals included); overflow gives ±inf.
 * Scaling by powers of two is exact in doubles, so the rounding happens once.
 */
export function numberToFloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // 1024 carries into the smallest normal
  const exponent = exponentOf(a);
  if (exponent > 15) return sign | 0x7c00;
  const mantissa = roundHalfEven(a * 2 ** (10 - exponent)); // in [1024, 2048]
  const bits = ((exponent + 15) << 10) + mantissa - 1024;
  return sign | Math.min(bits, 0x7c00);
}

/** bfloat16 bits of `x`, rounded to nearest even (subnormals included); overflow gives ±inf. */
export function numberToBfloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7fc0;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7f80;
  if (a < 2 ** -126) return sign | roundHalfEven(a * 2 ** 133);
  const exponent = exponentOf(a);
  if (exponent > 127) return sign | 0x7f80;
  const mantissa = roundHalfEven(a * 2 ** (7 - exponent)); // in [128, 256]
  const bits = ((exponent + 127) << 7) + mantissa - 128;
  return sign | Math.min(bits, 0x7f80);
}

let halfTable: Float32Array | null = null;

/** All 65,536 binary16 values as float32 (exact), built once. */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits += 1) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * fraction * 2 ** -24;
    else if (exponent === 0x1f) table[bits] = fraction === 0 ? sign * Infinity : NaN;
    else table[bits] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfTable = table;
  return table;
}

/** Aligned little-endian views need an aligned copy when the window starts at an odd offset. */
function aligned(bytes: Uint8Array, size: number): Uint8Array {
  return bytes.byteOffset % size === 0 ? bytes : bytes.slice();
}

function decodeFloats(dtype: string, bytes: Uint8Array): Float64Array {
  const input = aligned(bytes, elementBytes[dtype] as number);
  const { buffer, byteOffset } = input;
  switch (dtype) {
    case 'Float16': {
      const table = float16Table();
      const raw = new Uint16Array(buffer, byteOffset, input.length / 2);
      const out = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i += 1) out[i] = table[raw[i] as number] as number;
      return out;
    }
    case 'BFloat16': {
      const raw = new Uint16Array(buffer, byteOffset, input.length / 2);
      const widened = new Uint32Array(raw.length);
      for (let i = 0; i < raw.length; i += 1) widened[i] = (raw[i] as number) << 16;
      return Float64Array.from(new Float32Array(widened.buffer));
    }
    case 'Float32':
      return Float64Array.from(new Float32Array(buffer, byteOffset, input.length / 4));
    default:
      return new Float64Array(buffer.slice(byteOffset, byteOffset + input.length));
  }
}

/** numpy's `npy_floatbits_to_halfbits` (round half to even), on float32 bits. */
function float32BitsToHalf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = bits & 0x7f800000;
  let significand = bits & 0x007fffff;
  if (exponent >= 0x47800000) {
    if (exponent === 0x7f800000 && significand !== 0) {
      const nan = 0x7c00 + (significand >>> 13);
      return sign | (nan === 0x7c00 ? 0x7c01 : nan);
    }
    return sign | 0x7c00;
  }
  if (exponent <= 0x38000000) {
    if (exponent < 0x33000000) return sign;
    significand = (0x00800000 + significand) >>> (113 - (exponent >>> 23));
    if ((significand & 0x3fff) !== 0x1000 || (bits & 0x7ff) !== 0) significand += 0x1000;
    return sign | (significand >>> 13);
  }
  if ((significand & 0x3fff) !== 0x1000) significand += 0x1000;
  // A carry out of the significand rounds into the exponent (up to inf), as intended.
  return sign | ((((exponent - 0x38000000) >>> 13) + (significand >>> 13)) & 0xffff);
}

/** float32 → bfloat16 bits, round half to even; NaN stays a quiet NaN with its sign. */
function float32BitsToBfloat16(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) & 0x8000) | 0x7fc0;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The hot path (float32 weights to 16 bits): integer rounding and statistics in one loop. */
function convertFloat32To16(to: string, input: Uint8Array, stats: CastStats): Uint8Array {
  const source = aligned(input, 4);
  const count = source.length / 4;
  const sourceBits = new Uint32Array(source.buffer, source.byteOffset, count);
  const sourceValues = new Float32Array(source.buffer, source.byteOffset, count);
  const out = new Uint8Array(count * 2);
  const target = new Uint16Array(out.buffer);
  const table = float16Table();
  const widened = new Float32Array(1);
  const widenedBits = new Uint32Array(widened.buffer);
  const toHalf = to === 'Float16';
  let nans = 0;
  let overflow = 0;
  let underflow = 0;
  let maxAbsolute = 0;
  let maxRelative = 0;
  for (let i = 0; i < count; i += 1) {
    const bits = sourceBits[i] as number;
    const half = toHalf ? float32BitsToHalf(bits) : float32BitsToBfloat16(bits);
    target[i] = half;
    const value = sourceValues[i] as number;
    if (value !== value) {
      nans += 1;
      continue;
    }
    let result: number;
    if (toHalf) result = table[half] as number;
    else {
      widenedBits[0] = half << 16;
      result = widened[0] as number;
    }
    if (result === value) continue;
    if (result === Infinity || result === -Infinity) {
      if (value !== Infinity && value !== -Infinity) overflow += 1;
      continue;
    }
    const error = Math.abs(result - value);
    if (error > maxAbsolute) maxAbsolute = error;
    if (result === 0) underflow += 1;
    const relative = error / Math.abs(value);
    if (relative > maxRelative) maxRelative = relative;
  }
  mergeCastStats(stats, {
    elements: count,
    nans,
    overflowToInfinity: overflow,
    underflowToZero: underflow,
    outOfRange: 0,
    maxAbsoluteError: maxAbsolute,
    maxRelativeError: maxRelative,
  });
  return out;
}

/** 2^(e − 150) for every float32 exponent field e: one ulp of the binade, so |error| = ulps × this. */
let ulpScale: Float64Array | null = null;

function float32UlpScale(): Float64Array {
  if (ulpScale) return ulpScale;
  const scale = new Float64Array(256);
  for (let e = 0; e < 256; e += 1) scale[e] = 2 ** (e - 150);
  ulpScale = scale;
  return scale;
}

/**
 * float32 → float16, the hot path of a cast export. A source whose magnitude maps to a normal
 * float16 (the bulk of real weights) is rounded in float32 bit space: adding 0xfff plus the
 * parity bit and clearing the low 13 bits is round-to-nearest-even, and a carry into the
 * exponent is exactly numpy's rounding up (to inf past 65504). The rounding error is then
 * `rounded − abs` ulps of the source's binade, so the error statistics need no conversion back:
 * |error| = ulps × 2^(e−150) and |error| / |value| = ulps / significand, the same doubles the
 * generic path computes. Zeros, subnormal results, overflow, ±inf and NaN take the exact
 * per-element path (`float32BitsToHalf`). cast-kernel.ts runs the same algorithm in WASM SIMD;
 * this one serves until that is loaded (and where it cannot be).
 */
export function convertFloat32ToHalf(input: Uint8Array, stats: CastStats): Uint8Array {
  const source = aligned(input, 4);
  const count = source.length / 4;
  const sourceBits = new Int32Array(source.buffer, source.byteOffset, count);
  const out = new Uint8Array(count * 2);
  const target = new Uint16Array(out.buffer);
  const scale = float32UlpScale();
  let overflow = 0;
  let maxAbsolute = 0;
  // The largest relative error as a fraction ulps / significand, compared by cross-multiplying.
  let worstUlps = 0;
  let worstSignificand = 1;
  let slow: CastStats | null = null;
  for (let i = 0; i < count; i += 1) {
    const bits = sourceBits[i] as number;
    const abs = bits & 0x7fffffff;
    // float32 exponent fields 113…142: normal float16 results (the top one may round up to inf).
    if (abs - 0x38800000 < 0x0f000000 && abs >= 0x38800000) {
      const rounded = (abs + 0xfff + ((abs >>> 13) & 1)) & 0x7fffe000;
      target[i] = ((bits >>> 16) & 0x8000) | ((rounded - 0x38000000) >>> 13);
      const ulps = rounded - abs;
      if (ulps === 0) continue;
      if (rounded >= 0x47800000) {
        overflow += 1;
        continue;
      }
      const distance = ulps < 0 ? -ulps : ulps;
      const error = distance * (scale[abs >>> 23] as number);
      if (error > maxAbsolute) maxAbsolute = error;
      const significand = 0x800000 | (abs & 0x7fffff);
      if (distance * worstSignificand > worstUlps * significand) {
        worstUlps = distance;
        worstSignificand = significand;
      }
    } else if (abs === 0) {
      target[i] = (bits >>> 16) & 0x8000;
    } else {
      slow ??= emptyCastStats();
      target[i] = halfOfSlowElement(bits >>> 0, slow);
    }
  }
  const part = slow ?? emptyCastStats();
  part.elements = count;
  part.overflowToInfinity += overflow;
  part.maxAbsoluteError = Math.max(part.maxAbsoluteError, maxAbsolute);
  part.maxRelativeError = Math.max(part.maxRelativeError, worstUlps / worstSignificand);
  mergeCastStats(stats, part);
  return out;
}

const slowValue = new Float32Array(1);
const slowBits = new Uint32Array(slowValue.buffer);

/** One element outside float16's normal range: exact rounding, and its share of the statistics. */
function halfOfSlowElement(bits: number, stats: CastStats): number {
  const half = float32BitsToHalf(bits);
  slowBits[0] = bits;
  const value = slowValue[0] as number;
  if (value !== value) {
    stats.nans += 1;
    return half;
  }
  const result = float16Table()[half] as number;
  if (result === value) return half;
  if (result === Infinity || result === -Infinity) {
    if (value !== Infinity && value !== -Infinity) stats.overflowToInfinity += 1;
    return half;
  }
  const error = Math.abs(result - value);
  if (error > stats.maxAbsoluteError) stats.maxAbsoluteError = error;
  if (result === 0) stats.underflowToZero += 1;
  const relative = error / Math.abs(value);
  if (relative > stats.maxRelativeError) stats.maxRelativeError = relative;
  return half;
}

function convertFloats(from: string, to: string, input: Uint8Array, stats: CastStats, allocate?: Allocate): Uint8Array {
  if (from === 'Float32' && to === 'Float16') {
    return cast16Kernel()?.convert(input, stats, allocate) ?? convertFloat32ToHalf(input, stats);
  }
  if (from === 'Float32' && to === 'BFloat16') return convertFloat32To16(to, input, stats);
  const values = decodeFloats(from, input);
  const count = values.length;
  const out = new Uint8Array(count * (elementBytes[to] as number));
  let converted: Float64Array;
  if (to === 'Float16' || to === 'BFloat16') {
    const bits = new Uint16Array(out.buffer);
    const round = to === 'Float16' ? numberToFloat16Bits : numberToBfloat16Bits;
    for (let i = 0; i < count; i += 1) bits[i] = round(values[i] as number);
    converted = decodeFloats(to, out);
  } else if (to === 'Float32') {
    const floats = new Float32Array(out.buffer);
    floats.set(values);
    converted = Float64Array.from(floats);
  } else {
    new Float64Array(out.buffer).set(values);
    converted = values;
  }
  const part = emptyCastStats();
  part.elements = count;
  for (let i = 0; i < count; i += 1) {
    const source = values[i] as number;
    const result = converted[i] as number;
    if (Number.isNaN(source)) {
      part.nans += 1;
    } else if (Number.isFinite(source)) {
      if (!Number.isFinite(result)) {
        part.overflowToInfinity += 1;
      } else {
        const error = Math.abs(result - source);
        if (error > part.maxAbsoluteError) part.maxAbsoluteError = error;
        if (source !== 0) {
          if (result === 0) part.underflowToZero += 1;
          const relative = error / Math.abs(source);
          if (relative > part.maxRelativeError) part.maxRelativeError = relative;
        }
      }
    }
  }
  mergeCastStats(stats, part);
  return out;
}

const intRange: Record<string, [bigint, bigint]> = {
  Int8: [-(2n ** 7n), 2n ** 7n - 1n],
  Int16: [-(2n ** 15n), 2n ** 15n - 1n],
  Int32: [-(2n ** 31n), 2n ** 31n - 1n],
  Int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

const intArrays = { Int8: Int8Array, Int16: Int16Array, Int32: Int32Array } as const;

function convertInts(from: string, to: string, input: Uint8Array, stats: CastStats): Uint8Array {
  const fromSize = elementBytes[from] as number;
  const toSize = elementBytes[to] as number;
  const count = input.length / fromSize;
  const out = new Uint8Array(count * toSize);
  const [low, high] = intRange[to] as [bigint, bigint];
  let outOfRange = 0;
  if (fromSize < 8 && toSize < 8) {
    // Typed-array stores wrap modulo 2^bits (ToInt8/16/32), exactly numpy's C cast.
    const source = aligned(input, fromSize);
    const values = new intArrays[from as keyof typeof intArrays](
      source.buffer as ArrayBuffer,
      source.byteOffset,
      count,
    );
    new intArrays[to as keyof typeof intArrays](out.buffer).set(values);
    const min = Number(low);
    const max = Number(high);
    for (let i = 0; i < count; i += 1) {
      const value = values[i] as number;
      if (value < min || value > max) outOfRange += 1;
    }
  } else {
    const source = new DataView(input.buffer, input.byteOffset, input.byteLength);
    const target = new DataView(out.buffer);
    for (let i = 0; i < count; i += 1) {
      let value: bigint;
      if (fromSize === 8) value = source.getBigInt64(i * 8, true);
      else if (fromSize === 4) value = BigInt(source.getInt32(i * 4, true));
      else if (fromSize === 2) value = BigInt(source.getInt16(i * 2, true));
      else value = BigInt(source.getInt8(i));
      if (value < low || value > high) outOfRange += 1;
      // numpy's astype is a C cast: keep the low bits (two's complement wrap).
      if (toSize === 8) target.setBigInt64(i * 8, value, true);
      else if (toSize === 4) target.setInt32(i * 4, Number(BigInt.asIntN(32, value)), true);
      else if (toSize === 2) target.setInt16(i * 2, Number(BigInt.asIntN(16, value)), true);
      else target.setInt8(i, Number(BigInt.asIntN(8, value)));
    }
  }
  stats.elements += count;
  stats.outOfRange += outOfRange;
  return out;
}

/**
 * Convert a whole number of elements from one dtype to another of the same family, adding what
 * happened to `stats`. The caller checked the pair with `isAllowedCast`. `allocate`, when given,
 * supplies the result's memory where the conversion can use it (the float32 → float16 kernel);
 * the result is a new array otherwise.
 */
export function convertElements(from: string, to: string, input: Uint8Array, stats: CastStats, allocate?: Allocate) {
  return castFamily(from) === 'float'
    ? convertFloats(from, to, input, stats, allocate)
    : convertInts(from, to, input, stats);
}
