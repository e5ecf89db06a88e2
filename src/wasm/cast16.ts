// asc-flags: --enable simd
// float32 → float16 (numpy's astype: round to nearest even, subnormals, overflow to ±inf, NaN
// kept with its sign) plus the cast statistics, AssemblyScript with WASM SIMD, compiled by
// scripts/build-wasm.mjs. Eight elements per step when all of them are zero or map to normal
// float16 values (the bulk of real weights); any other group of eight goes element by element
// through a port of numpy's `npy_floatbits_to_halfbits`. No GC (`--runtime stub`): the JS
// wrapper (src/core/export/cast-kernel.ts) copies ≤ CHUNK bytes in and the halves out.
//
// I/O area (returned by init): [0, CHUNK) float32 input, [CHUNK, CHUNK + CHUNK/2) float16 output.

const CHUNK: i32 = 1 << 20;
let io: usize = 0;

// Statistics of the last convert() call (read back through the getters below).
let nans: i32 = 0;
let overflow: i32 = 0;
let underflow: i32 = 0;
let maxAbsolute: f64 = 0;
let maxRelative: f64 = 0;

export function init(): usize {
  if (io == 0) io = heap.alloc(<usize>CHUNK + ((<usize>CHUNK) >> 1));
  return io;
}

export function chunkBytes(): i32 {
  return CHUNK;
}

export function statNans(): i32 {
  return nans;
}
export function statOverflow(): i32 {
  return overflow;
}
export function statUnderflow(): i32 {
  return underflow;
}
export function statMaxAbsolute(): f64 {
  return maxAbsolute;
}
export function statMaxRelative(): f64 {
  return maxRelative;
}

/** numpy's npy_floatbits_to_halfbits (round half to even) — the same as casts.ts float32BitsToHalf. */
function float32BitsToHalf(bits: u32): u32 {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = bits & 0x7f800000;
  let significand = bits & 0x007fffff;
  if (exponent >= 0x47800000) {
    if (exponent == 0x7f800000 && significand != 0) {
      const nan = 0x7c00 + (significand >>> 13);
      return sign | (nan == 0x7c00 ? 0x7c01 : nan);
    }
    return sign | 0x7c00;
  }
  if (exponent <= 0x38000000) {
    if (exponent < 0x33000000) return sign;
    significand = (0x00800000 + significand) >>> (113 - (exponent >>> 23));
    if ((significand & 0x3fff) != 0x1000 || (bits & 0x7ff) != 0) significand += 0x1000;
    return sign | (significand >>> 13);
  }
  if ((significand & 0x3fff) != 0x1000) significand += 0x1000;
  return sign | ((((exponent - 0x38000000) >>> 13) + (significand >>> 13)) & 0xffff);
}

/** The value of finite, non-NaN float16 bits. */
function halfValue(half: u32): f64 {
  const exponent = (half >>> 10) & 0x1f;
  const fraction = half & 0x3ff;
  let magnitude: f64;
  if (exponent == 0x1f) magnitude = Infinity;
  else if (exponent == 0)
    magnitude = <f64>fraction * 5.9604644775390625e-8; // 2^-24
  else magnitude = <f64>reinterpret<f32>(((exponent + 112) << 23) | (fraction << 13));
  return half & 0x8000 ? -magnitude : magnitude;
}

/** One element by the exact path, with its share of the statistics (as casts.ts halfOfSlowElement). */
function scalarElement(bits: u32): u32 {
  const half = float32BitsToHalf(bits);
  const value = <f64>reinterpret<f32>(bits);
  if (value != value) {
    nans += 1;
    return half;
  }
  const result = halfValue(half);
  if (result == value) return half;
  if (result == Infinity || result == -Infinity) {
    if (value != Infinity && value != -Infinity) overflow += 1;
    return half;
  }
  const error = Math.abs(result - value);
  if (error > maxAbsolute) maxAbsolute = error;
  if (result == 0) underflow += 1;
  const relative = error / Math.abs(value);
  if (relative > maxRelative) maxRelative = relative;
  return half;
}

/** Round to nearest even in float32 bit space: add 0xfff plus the parity bit, clear 13 bits. */
function rounded(absolute: v128): v128 {
  const parity = v128.and(i32x4.shr_u(absolute, 13), i32x4.splat(1));
  return v128.and(i32x4.add(i32x4.add(absolute, i32x4.splat(0xfff)), parity), i32x4.splat(0x7fffe000));
}

/** float16 bits (low 16 bits of each lane) of rounded magnitudes; zero lanes keep only the sign. */
function halves(bits: v128, roundedBits: v128, zero: v128): v128 {
  const sign = v128.and(i32x4.shr_u(bits, 16), i32x4.splat(0x8000));
  const magnitude = v128.andnot(i32x4.shr_u(i32x4.sub(roundedBits, i32x4.splat(0x38000000)), 13), zero);
  return v128.or(sign, magnitude);
}

/** ulps / significand of four lanes in float32: a cheap, monotonic stand-in for the exact ratio. */
function relative32(roundedBits: v128, absolute: v128, implicit: v128, fraction: v128): v128 {
  const ulps = i32x4.abs(i32x4.sub(roundedBits, absolute));
  const significand = v128.or(implicit, v128.and(absolute, fraction));
  return f32x4.div(f32x4.convert_i32x4_s(ulps), f32x4.convert_i32x4_s(significand));
}

/** The exact relative errors (as JS divides them) of eight fast-path elements at `at`. */
function exactRelative(at: usize): void {
  for (let k: usize = 0; k < 8; k += 1) {
    const absolute = load<u32>(at + (k << 2)) & 0x7fffffff;
    if (absolute == 0) continue;
    const roundedBits = (absolute + 0xfff + ((absolute >>> 13) & 1)) & 0x7fffe000;
    const ulps = <i32>roundedBits - <i32>absolute;
    const relative = <f64>(ulps < 0 ? -ulps : ulps) / <f64>(0x800000 | (absolute & 0x7fffff));
    if (relative > maxRelative) maxRelative = relative;
  }
}

/** Converts the first `count` float32 of the I/O area; statistics restart at every call. */
export function convert(count: i32): void {
  nans = 0;
  overflow = 0;
  underflow = 0;
  maxAbsolute = 0;
  maxRelative = 0;
  const input = io;
  const output = io + <usize>CHUNK;
  const low = i32x4.splat(0x38800000);
  // Up to 65520 (exclusive): larger values round to inf and take the exact path, which counts them.
  const span = i32x4.splat(0x477ff000 - 0x38800000);
  const mask = i32x4.splat(0x7fffffff);
  const implicit = i32x4.splat(0x800000);
  const fraction = i32x4.splat(0x7fffff);
  let absoluteMax = f32x4.splat(0);
  // Groups whose float32 ratio reaches the float32 rounding of the exact maximum so far are
  // redone exactly: rounding is monotonic, so no group below it can hold a larger ratio.
  let threshold = f32x4.splat(1.4e-45);
  let i: i32 = 0;
  for (; i + 8 <= count; i += 8) {
    const at = input + ((<usize>i) << 2);
    const a = v128.load(at);
    const b = v128.load(at, 16);
    const absA = v128.and(a, mask);
    const absB = v128.and(b, mask);
    const zeroA = i32x4.eq(absA, i32x4.splat(0));
    const zeroB = i32x4.eq(absB, i32x4.splat(0));
    const okA = v128.or(i32x4.lt_u(i32x4.sub(absA, low), span), zeroA);
    const okB = v128.or(i32x4.lt_u(i32x4.sub(absB, low), span), zeroB);
    if (!i32x4.all_true(v128.and(okA, okB))) {
      for (let k = 0; k < 8; k += 1) {
        const bits = load<u32>(at + ((<usize>k) << 2));
        store<u16>(output + ((<usize>(i + k)) << 1), <u16>scalarElement(bits));
      }
      continue;
    }
    const roundedA = rounded(absA);
    const roundedB = rounded(absB);
    v128.store(
      output + ((<usize>i) << 1),
      i16x8.narrow_i32x4_u(halves(a, roundedA, zeroA), halves(b, roundedB, zeroB)),
    );
    // The error is (rounded − abs) ulps of the source's binade: exact as a float32 difference,
    // and relative to |value| it is ulps / significand (zeros give 0, below the threshold).
    absoluteMax = f32x4.pmax(absoluteMax, f32x4.abs(f32x4.sub(roundedA, absA)));
    absoluteMax = f32x4.pmax(absoluteMax, f32x4.abs(f32x4.sub(roundedB, absB)));
    const reached = v128.or(
      f32x4.ge(relative32(roundedA, absA, implicit, fraction), threshold),
      f32x4.ge(relative32(roundedB, absB, implicit, fraction), threshold),
    );
    if (v128.any_true(reached)) {
      exactRelative(at);
      threshold = f32x4.splat(<f32>maxRelative);
    }
  }
  for (; i < count; i += 1) {
    store<u16>(output + ((<usize>i) << 1), <u16>scalarElement(load<u32>(input + ((<usize>i) << 2))));
  }
  const absoluteBest = Mathf.max(
    Mathf.max(f32x4.extract_lane(absoluteMax, 0), f32x4.extract_lane(absoluteMax, 1)),
    Mathf.max(f32x4.extract_lane(absoluteMax, 2), f32x4.extract_lane(absoluteMax, 3)),
  );
  if (<f64>absoluteBest > maxAbsolute) maxAbsolute = <f64>absoluteBest;
}
