// asc-flags: --enable simd
// float32 statistics kernels, AssemblyScript with WASM SIMD, compiled by scripts/build-wasm.mjs:
// the moments of one block (shifted sums in float64, min, max, zeros) and the exact histogram
// of a chunk. No GC (`--runtime stub`); the JS wrapper (src/core/stats/stats-kernel.ts) copies
// ≤ CHUNK bytes of float32 into the I/O area and reads the results back.
//
// Memory: [io, io + CHUNK) float32 input; [counts, counts + 4 × MAX_BINS × 4) four u32 tables.

const CHUNK: i32 = 1 << 20;
const MAX_BINS: i32 = 4096;
let io: usize = 0;
let counts: usize = 0;
let keyTables: usize = 0;

let sum: f64 = 0;
let squares: f64 = 0;
let minimum: f32 = 0;
let maximum: f32 = 0;
let zeros: i32 = 0;

export function init(): usize {
  if (io == 0) {
    io = heap.alloc(<usize>CHUNK);
    counts = heap.alloc(<usize>(MAX_BINS * 4 * 4));
    keyTables = heap.alloc(2 * 65536 * 4);
  }
  return io;
}

export function chunkBytes(): i32 {
  return CHUNK;
}

export function countsAddress(): usize {
  return counts;
}

export function keysAddress(): usize {
  return keyTables;
}

/**
 * Counts the high 16 bits of the first `count` float32 of the I/O area into two u32 tables
 * (even and odd positions: neighbouring weights often share a key, and one table would make
 * every increment wait for the previous store).
 */
export function keys(count: i32): void {
  const odd = keyTables + 65536 * 4;
  let i: i32 = 0;
  for (; i + 2 <= count; i += 2) {
    const at = io + ((<usize>i) << 2);
    const a = keyTables + ((<usize>load<u16>(at, 2)) << 2);
    const b = odd + ((<usize>load<u16>(at, 6)) << 2);
    store<u32>(a, load<u32>(a) + 1);
    store<u32>(b, load<u32>(b) + 1);
  }
  if (i < count) {
    const a = keyTables + ((<usize>load<u16>(io + ((<usize>i) << 2), 2)) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
}

export function momentSum(): f64 {
  return sum;
}
export function momentSquares(): f64 {
  return squares;
}
export function momentMin(): f32 {
  return minimum;
}
export function momentMax(): f32 {
  return maximum;
}
export function momentZeros(): i32 {
  return zeros;
}

/**
 * Σ(v − shift) and Σ(v − shift)² in float64 over four lanes (fixed order: the result depends only
 * on the block), min, max and zeros of `count` float32 at element `first` of the I/O area. A NaN
 * or ±Inf makes `squares` non-finite; the caller then redoes the block element by element.
 */
export function moments(first: i32, count: i32, shift: f64): void {
  const base = io + ((<usize>first) << 2);
  const offset = f64x2.splat(shift);
  let sumLow = f64x2.splat(0);
  let sumHigh = f64x2.splat(0);
  let squaresLow = f64x2.splat(0);
  let squaresHigh = f64x2.splat(0);
  let low = f32x4.splat(Infinity);
  let high = f32x4.splat(-Infinity);
  let zeroCount = i32x4.splat(0);
  const zero = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(base + ((<usize>i) << 2));
    const a = f64x2.sub(f64x2.promote_low_f32x4(v), offset);
    const b = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)), offset);
    sumLow = f64x2.add(sumLow, a);
    sumHigh = f64x2.add(sumHigh, b);
    squaresLow = f64x2.add(squaresLow, f64x2.mul(a, a));
    squaresHigh = f64x2.add(squaresHigh, f64x2.mul(b, b));
    low = f32x4.pmin(low, v);
    high = f32x4.pmax(high, v);
    zeroCount = i32x4.sub(zeroCount, f32x4.eq(v, zero));
  }
  let s = f64x2.extract_lane(sumLow, 0) + f64x2.extract_lane(sumHigh, 0);
  s += f64x2.extract_lane(sumLow, 1) + f64x2.extract_lane(sumHigh, 1);
  let q = f64x2.extract_lane(squaresLow, 0) + f64x2.extract_lane(squaresHigh, 0);
  q += f64x2.extract_lane(squaresLow, 1) + f64x2.extract_lane(squaresHigh, 1);
  let mn = Mathf.min(
    Mathf.min(f32x4.extract_lane(low, 0), f32x4.extract_lane(low, 1)),
    Mathf.min(f32x4.extract_lane(low, 2), f32x4.extract_lane(low, 3)),
  );
  let mx = Mathf.max(
    Mathf.max(f32x4.extract_lane(high, 0), f32x4.extract_lane(high, 1)),
    Mathf.max(f32x4.extract_lane(high, 2), f32x4.extract_lane(high, 3)),
  );
  let z =
    i32x4.extract_lane(zeroCount, 0) +
    i32x4.extract_lane(zeroCount, 1) +
    i32x4.extract_lane(zeroCount, 2) +
    i32x4.extract_lane(zeroCount, 3);
  for (; i < count; i += 1) {
    const v = load<f32>(base + ((<usize>i) << 2));
    const d = <f64>v - shift;
    s += d;
    q += d * d;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
    if (v == 0) z += 1;
  }
  sum = s;
  squares = q;
  minimum = mn;
  maximum = mx;
  zeros = z;
}

/** Adds one finite value to table `lane` (the JS rule: floor((v − lo) × scale), clamped). */
function countOne(v: f32, lo: f64, scale: f64, last: i32, lane: usize): void {
  const raw = Math.floor((<f64>v - lo) * scale);
  const bin = raw > <f64>last ? last : raw < 0 ? 0 : <i32>raw;
  const at = counts + (((<usize>bin) << 2) + lane) * 4;
  store<u32>(at, load<u32>(at) + 1);
}

/**
 * Exact histogram of `count` float32 of the I/O area into four interleaved u32 tables (one per
 * lane, so increments to the same bin do not wait on each other): bin = floor((v − lo) × scale)
 * clamped to [0, bins − 1], in float64 like the JS rule; NaN and ±Inf are skipped. The caller
 * folds and clears the tables (entry 4 × bin + lane).
 */
export function histogram(count: i32, lo: f64, scale: f64, bins: i32): void {
  const last = bins - 1;
  const offset = f64x2.splat(lo);
  const factor = f64x2.splat(scale);
  const top = i32x4.splat(last);
  const floor = i32x4.splat(0);
  const exponent = i32x4.splat(0x7f800000);
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) {
    const at = io + ((<usize>i) << 2);
    const v = v128.load(at);
    if (v128.any_true(i32x4.eq(v128.and(v, exponent), exponent))) {
      for (let k: usize = 0; k < 4; k += 1) {
        const x = load<f32>(at + (k << 2));
        if (x - x == 0) countOne(x, lo, scale, last, k);
      }
      continue;
    }
    const a = f64x2.floor(f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), offset), factor));
    const b = f64x2.floor(
      f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)), offset), factor),
    );
    const joined = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(a), i32x4.trunc_sat_f64x2_s_zero(b), 0, 1, 4, 5);
    const bin = i32x4.min_s(i32x4.max_s(joined, floor), top);
    const t0 = counts + (((<usize>i32x4.extract_lane(bin, 0)) << 4) + 0);
    const t1 = counts + (((<usize>i32x4.extract_lane(bin, 1)) << 4) + 4);
    const t2 = counts + (((<usize>i32x4.extract_lane(bin, 2)) << 4) + 8);
    const t3 = counts + (((<usize>i32x4.extract_lane(bin, 3)) << 4) + 12);
    store<u32>(t0, load<u32>(t0) + 1);
    store<u32>(t1, load<u32>(t1) + 1);
    store<u32>(t2, load<u32>(t2) + 1);
    store<u32>(t3, load<u32>(t3) + 1);
  }
  for (; i < count; i += 1) {
    const x = load<f32>(io + ((<usize>i) << 2));
    if (x - x == 0) countOne(x, lo, scale, last, 0);
  }
}
