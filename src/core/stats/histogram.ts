/**
 * Histograms with a fixed number of equal-width bins over [min, max] of the finite values
 * (numpy's default range; a constant tensor gets [v − 0.5, v + 0.5] as numpy does). A value v
 * goes to bin ⌊(v − lo) · bins / (hi − lo)⌋, the last bin closed on the right.
 *
 * How the counts are gathered (one read of the bytes by default):
 * - 8- and 16-bit dtypes: every element's bit pattern is counted in the streaming pass, and
 *   each pattern is one exact value, so the histogram is exact.
 * - 32/64-bit dtypes up to STATS_RETAIN_BYTES: the bytes stay in memory and a second pass over
 *   them places every value exactly.
 * - larger 32/64-bit tensors: the streaming pass counts the top 16 bits of each value rounded
 *   to float32 (sign, exponent, 7 mantissa bits: buckets ≈ 0.4–0.8 % of |v| wide); each bucket's
 *   count is then spread over the bins it overlaps in proportion to the overlap (method
 *   'bucketed'). Ask for `exactHistogram` to re-read the bytes and place every value exactly.
 */
import type { ElementKind } from './elements';
import { decodeElements } from './elements';
import { BLOCK_ELEMENTS, keyValue } from './accumulate';
import { stats32Kernel } from './stats-kernel';

export interface Histogram {
  /** Left edge of the first bin. */
  lo: number;
  /** Right edge of the last bin. */
  hi: number;
  counts: number[];
  method: 'exact' | 'bucketed';
}

export interface BinRange {
  lo: number;
  hi: number;
  scale: number;
  bins: number;
}

export function binRange(min: number, max: number, bins: number): BinRange {
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  return { lo, hi, bins, scale: bins / (hi - lo) };
}

export function binOf(range: BinRange, value: number): number {
  const index = Math.floor((value - range.lo) * range.scale);
  return index >= range.bins ? range.bins - 1 : index < 0 ? 0 : index;
}

/** Exact counts from a pass over the values (retained bytes or a second read). */
export class ExactHistogram {
  readonly counts: Float64Array;
  /** Scratch for decoded elements, made on first use at the size needed (up to a block). */
  private block: Float64Array | null = null;

  constructor(
    private readonly kind: ElementKind,
    private readonly stride: number,
    private readonly range: BinRange,
  ) {
    this.counts = new Float64Array(range.bins);
  }

  add(chunk: Uint8Array): void {
    const total = chunk.length / this.stride;
    const { lo, scale, bins } = this.range;
    const last = bins - 1;
    const counts = this.counts;
    const kernel = this.kind === 'f32' && chunk.byteOffset % 4 === 0 ? stats32Kernel(bins) : null;
    if (kernel) {
      kernel.histogram(new Float32Array(chunk.buffer, chunk.byteOffset, total), lo, scale, counts);
      return;
    }
    if (!this.block || this.block.length < Math.min(BLOCK_ELEMENTS, total))
      this.block = new Float64Array(Math.min(BLOCK_ELEMENTS, Math.max(1, total)));
    const values = this.block;
    for (let first = 0; first < total; first += values.length) {
      const count = Math.min(values.length, total - first);
      decodeElements(this.kind, chunk, first, count, values);
      for (let i = 0; i < count; i += 1) {
        const v = values[i] as number;
        if (v - v !== 0) continue; // NaN or ±Inf
        const raw = Math.floor((v - lo) * scale);
        const index = raw > last ? last : raw < 0 ? 0 : raw;
        counts[index] = (counts[index] as number) + 1;
      }
    }
  }

  result(): Histogram {
    return { lo: this.range.lo, hi: this.range.hi, counts: Array.from(this.counts), method: 'exact' };
  }
}

/** Exact histogram from per-bit-pattern counts of an 8/16-bit dtype. */
export function histogramFromExactKeys(kind: ElementKind, keyCounts: Float64Array, range: BinRange): Histogram {
  const counts = new Float64Array(range.bins);
  for (let key = 0; key < keyCounts.length; key += 1) {
    const count = keyCounts[key] as number;
    if (count === 0) continue;
    const value = keyValue(kind, key);
    if (!Number.isFinite(value)) continue;
    const bin = binOf(range, value);
    counts[bin] = (counts[bin] as number) + count;
  }
  return { lo: range.lo, hi: range.hi, counts: Array.from(counts), method: 'exact' };
}

const bucketBits = new Uint32Array(2);
const bucketValues = new Float32Array(bucketBits.buffer);

/** The closed value interval of a float32-top-16-bits bucket. */
function bucketInterval(key: number): [number, number] {
  bucketBits[0] = (key << 16) >>> 0;
  bucketBits[1] = ((key << 16) | 0xffff) >>> 0;
  const a = bucketValues[0] as number;
  const b = bucketValues[1] as number;
  // +Inf/−Inf keys only hold float64 values beyond float32's range.
  const clean = (v: number): number =>
    v === Infinity ? 3.4028234663852886e38 : v === -Infinity ? -3.4028234663852886e38 : v;
  if (Number.isNaN(b)) return a < 0 ? [-Number.MAX_VALUE, clean(a)] : [clean(a), Number.MAX_VALUE];
  return a <= b ? [clean(a), clean(b)] : [clean(b), clean(a)];
}

/**
 * Spread float32-top bucket counts over linear bins, each bucket in proportion to its overlap
 * with each bin (values assumed uniform inside a bucket), then round to integers keeping the total.
 */
export function histogramFromBuckets(keyCounts: Float64Array, min: number, max: number, range: BinRange): Histogram {
  const weights = new Float64Array(range.bins);
  for (let key = 0; key < keyCounts.length; key += 1) {
    const count = keyCounts[key] as number;
    if (count === 0) continue;
    const [rawA, rawB] = bucketInterval(key);
    const a = Math.min(Math.max(rawA, min), max);
    const b = Math.min(Math.max(rawB, min), max);
    const first = binOf(range, a);
    const last = binOf(range, b);
    if (first === last || b <= a) {
      weights[first] = (weights[first] as number) + count;
      continue;
    }
    const width = b - a;
    for (let bin = first; bin <= last; bin += 1) {
      const left = Math.max(a, range.lo + bin / range.scale);
      const right = Math.min(b, range.lo + (bin + 1) / range.scale);
      if (right > left) weights[bin] = (weights[bin] as number) + (count * (right - left)) / width;
    }
  }
  return { lo: range.lo, hi: range.hi, counts: roundKeepingTotal(weights), method: 'bucketed' };
}

function roundKeepingTotal(weights: Float64Array): number[] {
  const total = Math.round(weights.reduce((sum, w) => sum + w, 0));
  const floors = Array.from(weights, (w) => Math.floor(w));
  let missing = total - floors.reduce((sum, w) => sum + w, 0);
  const order = Array.from(weights, (w, i) => ({ i, fraction: w - Math.floor(w) })).sort(
    (x, y) => y.fraction - x.fraction,
  );
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    missing -= 1;
  }
  return floors;
}
